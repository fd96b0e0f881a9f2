/**
 * The batch journal: which files of a batch are finished, so that the same command run
 * again after Ctrl-C or a kill skips them without reading (or fingerprinting) them again.
 *
 * One file per batch under `batches/` next to the URL store, named by a hash of the
 * endpoint and the arguments; one JSON line per finished file (path, size, mtime, inode,
 * upload URL), appended as each file finishes, so a kill loses at most the line being
 * written (a torn last line is ignored). A finished file counts only while its size, mtime
 * and inode are the same. The journal is removed once the whole batch succeeded; journals
 * left behind (a batch never run again) are pruned after 30 days.
 *
 * The folder may be one others can write: a journal that is a symlink, not a regular file,
 * or another user's is refused (`TusUnsafeFileError`), never followed nor believed.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APPEND_PRIVATE,
  checkJournalFolder,
  openJournalFile,
  READ_PRIVATE,
} from './private-file.js';

/** What the journal knows of a file on disk. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface JournalRecord extends FileIdentity {
  /** Absolute path. */
  path: string;
  url: string;
}

const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** The journal's name for a batch: the endpoint and the absolute arguments, hashed. */
export function batchKey(endpoint: string, inputs: readonly string[], recursive: boolean): string {
  const text = JSON.stringify({ endpoint, inputs, recursive });
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const value = JSON.parse(line) as Partial<JournalRecord>;
    if (
      typeof value.path === 'string' &&
      typeof value.url === 'string' &&
      typeof value.size === 'number' &&
      typeof value.mtimeMs === 'number' &&
      typeof value.ino === 'number'
    ) {
      return value as JournalRecord;
    }
  } catch {
    // A torn line (the process was killed while writing it).
  }
  return undefined;
}

export class BatchJournal {
  readonly #done: Map<string, JournalRecord>;
  #handle: FileHandle | undefined;
  #writes: Promise<void> = Promise.resolve();

  private constructor(
    /** The journal file. */
    readonly path: string,
    done: Map<string, JournalRecord>,
  ) {
    this.#done = done;
  }

  /** Opens (or starts) the journal of batch `key` in `directory`. */
  static async open(directory: string, key: string): Promise<BatchJournal> {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await checkJournalFolder(directory);
    await pruneOld(directory);
    const path = join(directory, `${key}.jsonl`);
    const done = new Map<string, JournalRecord>();
    const text = await readJournal(path);
    for (const line of text.split('\n')) {
      const record = parseRecord(line);
      if (record !== undefined) done.set(record.path, record);
    }
    return new BatchJournal(path, done);
  }

  /** Files recorded as finished by an earlier run. */
  get finishedCount(): number {
    return this.#done.size;
  }

  /** The record of `path` when it finished before and the file is still the same. */
  finished(path: string, file: FileIdentity): JournalRecord | undefined {
    const record = this.#done.get(path);
    if (record === undefined) return undefined;
    const same =
      record.size === file.size && record.mtimeMs === file.mtimeMs && record.ino === file.ino;
    return same ? record : undefined;
  }

  /** Appends a finished file (writes are serialised; each is one `write` of one line). */
  record(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.#writes = this.#writes.then(async () => {
      // Not through a symlink or into another user's file planted since `open`.
      this.#handle ??= await openJournalFile(this.path, APPEND_PRIVATE);
      await this.#handle?.write(line);
    });
    return this.#writes;
  }

  async close(): Promise<void> {
    await this.#writes.catch(() => {});
    await this.#handle?.close();
    this.#handle = undefined;
  }

  /** The batch is complete: its journal goes. */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }
}

/** The journal's text ('' when there is none); a planted or foreign file is refused. */
async function readJournal(path: string): Promise<string> {
  const handle = await openJournalFile(path, READ_PRIVATE);
  if (handle === undefined) return '';
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function pruneOld(directory: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(directory).catch(() => [] as string[])) {
    if (!name.endsWith('.jsonl')) continue;
    const path = join(directory, name);
    // lstat: a symlink's own age; removing it removes the link, never its target.
    const info = await lstat(path).catch(() => undefined);
    if (info !== undefined && now - info.mtimeMs > MAX_AGE_MS) await rm(path, { force: true });
  }
}
