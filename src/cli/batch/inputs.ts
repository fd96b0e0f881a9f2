/**
 * Command-line arguments → jobs: files as given, `-` for standard input, and with
 * `--recursive` every regular file under a directory (sorted, so a re-run has the same
 * order), each with its `relativePath` (the directory's own name first, as a browser's
 * `webkitRelativePath`). An argument that cannot be used becomes a job with a `problem`,
 * in its place, so the output still names it.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileTypeOf } from '../file-type.js';
import type { TransferJob } from './job.js';

export interface InputSettings {
  recursive: boolean;
  /** `--metadata` pairs, over the defaults. */
  metadata: Readonly<Record<string, string>>;
  /** `--size` of standard input. */
  stdinSize?: number | undefined;
}

export interface ExpandedInputs {
  jobs: TransferJob[];
  /** Lines for people: things skipped (symlinked directories, empty directories). */
  notes: string[];
  /** Whether a directory was expanded. */
  hadDirectory: boolean;
}

function problem(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

function fileJob(
  name: string,
  path: string,
  metadata: Readonly<Record<string, string>>,
  relativePath?: string,
): TransferJob {
  const base = basename(path);
  const defaults: Record<string, string> = { filename: base, filetype: fileTypeOf(base) };
  if (relativePath !== undefined) defaults.relativePath = relativePath;
  return { name, path: resolve(path), metadata: { ...defaults, ...metadata } };
}

/** Regular files under `root`, sorted by path; symlinks followed to files only. */
async function walk(root: string, notes: string[]): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string) => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      notes.push(`${dir}: skipped: ${(error as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) files.push(path);
      else if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (target?.isFile()) files.push(path);
        else
          notes.push(`${path}: skipped: a symbolic link to ${target ? 'a directory' : 'nothing'}`);
      }
    }
  };
  await visit(root);
  return files;
}

export async function expandInputs(
  args: readonly string[],
  settings: InputSettings,
): Promise<ExpandedInputs> {
  const jobs: TransferJob[] = [];
  const notes: string[] = [];
  let hadDirectory = false;
  for (const arg of args) {
    if (arg === '-') {
      jobs.push({
        name: '-',
        path: undefined,
        metadata: { ...settings.metadata },
        size: settings.stdinSize,
      });
      continue;
    }
    const info = await stat(arg).catch((error: NodeJS.ErrnoException) => error);
    if (info instanceof Error) {
      const reason = info.code === 'ENOENT' ? 'no such file' : info.message;
      jobs.push({
        name: arg,
        path: resolve(arg),
        metadata: {},
        problem: problem(`${arg}: ${reason}`, info.code ?? 'ERR'),
      });
    } else if (info.isDirectory()) {
      if (!settings.recursive) {
        const message = `${arg}: is a directory (add --recursive to upload the files in it)`;
        jobs.push({
          name: arg,
          path: resolve(arg),
          metadata: {},
          problem: problem(message, 'EISDIR'),
        });
        continue;
      }
      hadDirectory = true;
      const top = basename(resolve(arg));
      const files = await walk(arg, notes);
      if (files.length === 0) notes.push(`${arg}: no files in this directory`);
      for (const file of files) {
        const rel = [top, ...relative(arg, file).split(sep)].join('/');
        jobs.push(fileJob(file, file, settings.metadata, rel));
      }
    } else if (info.isFile()) {
      jobs.push(fileJob(arg, arg, settings.metadata));
    } else {
      jobs.push({
        name: arg,
        path: resolve(arg),
        metadata: {},
        problem: problem(`${arg}: not a regular file`, 'EINVAL'),
      });
    }
  }
  return { jobs, notes, hadDirectory };
}
