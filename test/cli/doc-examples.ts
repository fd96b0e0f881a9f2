/**
 * Runs the `resumable-upload …` examples of a Markdown page as a person would paste them:
 * through bash (pipes and quotes as written), with `resumable-upload` on PATH (a shim for
 * the built CLI), in a folder where the files they name exist. `http://localhost:1080/files/`
 * becomes a real endpoint and `…/UPLOAD_ID` the last upload URL printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliNodeArgs, ROOT, runCli, spawnCli } from './cli-runner.js';

export const DOC_ENDPOINT = 'http://localhost:1080/files/';

/** The example lines (those that run `resumable-upload`) of the `sh` blocks of `text`. */
export function shExamples(text: string): string[] {
  const lines: string[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').split('\n')) {
      if (!line.startsWith('#') && /(^|\| )resumable-upload /.test(line)) lines.push(line.trim());
    }
  }
  return lines;
}

export async function readDoc(path: string): Promise<string> {
  return readFile(join(ROOT, path), 'utf8');
}

export interface ExampleResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Files the examples name, made on first use: `.iso` 3 MiB (worth storing), else 40,000 B. */
const FILE = /^[\w-]+\.(mp4|jpg|iso|bin|tar|txt)$/;

export class ExampleRunner {
  lastUrl: string | undefined;
  readonly #endpoint: string;

  constructor(
    endpoint: string,
    /** The folder the examples run in (their files are made there). */
    readonly cwd: string,
    /** `RESUMABLE_UPLOAD_STORE_FILE` of the examples. */
    readonly storeFile: string,
  ) {
    this.#endpoint = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  }

  async file(name: string): Promise<string> {
    const path = join(this.cwd, name);
    const exists = await readFile(path).then(
      () => true,
      () => false,
    );
    if (!exists)
      await writeFile(path, randomBytes(name.endsWith('.iso') ? 3 * 1024 * 1024 + 5 : 40_000));
    return path;
  }

  async #prepare(line: string): Promise<string> {
    for (const word of line.split(/\s+/)) {
      if (FILE.test(word)) await this.file(word);
      if (word === 'photos') {
        await mkdir(join(this.cwd, 'photos', '2024'), { recursive: true });
        await writeFile(join(this.cwd, 'photos', 'cover.jpg'), randomBytes(2000));
        await writeFile(join(this.cwd, 'photos', '2024', 'beach.jpg'), randomBytes(3000));
      }
    }
    let text = line;
    if (text.includes(`${DOC_ENDPOINT}UPLOAD_ID`)) {
      assert.ok(this.lastUrl, `${line}: an upload ran before`);
      text = text.replaceAll(`${DOC_ENDPOINT}UPLOAD_ID`, this.lastUrl);
    }
    return text.replaceAll(DOC_ENDPOINT, this.#endpoint);
  }

  async #shim(): Promise<string> {
    const bin = join(this.cwd, '.bin');
    await mkdir(bin, { recursive: true });
    const script = `#!/bin/sh\nexec ${[process.execPath, ...cliNodeArgs()].map((w) => `'${w}'`).join(' ')} "$@"\n`;
    await writeFile(join(bin, 'resumable-upload'), script);
    await chmod(join(bin, 'resumable-upload'), 0o755);
    return bin;
  }

  /** Runs `line`; `serve` is started, asked for server-info, and stopped with Ctrl-C. */
  async run(line: string): Promise<ExampleResult> {
    if (/^resumable-upload serve /.test(line)) return this.#serve(line);
    const command = await this.#prepare(line);
    const bin = await this.#shim();
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      cwd: this.cwd,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: this.cwd,
        NO_COLOR: '1',
        RESUMABLE_UPLOAD_STORE_FILE: this.storeFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    if (/resumable-upload (upload|resume) /.test(line)) {
      const urls = stdout.match(/http:\/\/[^\s"]+/g) ?? [];
      this.lastUrl = urls.at(-1) ?? this.lastUrl;
    }
    return { code, stdout, stderr };
  }

  async #serve(line: string): Promise<ExampleResult> {
    const words = line.split(/\s+/).slice(1);
    const args = words.map((word, i) => {
      if (words[i - 1] === '--port') return '0';
      if (words[i - 1] === '--dir') return join(this.cwd, 'served');
      return word;
    });
    const child = spawnCli(args);
    const [, listening] = await child.waitFor(/listening on (\S+)/, 'stdout');
    assert.ok(listening);
    const info = await runCli(['server-info', '-e', listening]);
    assert.equal(info.code, 0, info.stderr);
    child.child.kill('SIGINT');
    return child.done;
  }
}

/** The long flags (and short aliases) a command's `--help` lists, but `--help`. */
export async function helpFlags(command: string): Promise<Array<{ long: string; short?: string }>> {
  const help = await runCli([command, '--help']);
  assert.equal(help.code, 0, help.stderr);
  const flags: Array<{ long: string; short?: string }> = [];
  for (const match of help.stdout.matchAll(/^ {2}(?:(-\w), )?(--[\w-]+)/gm)) {
    const long = match[2] ?? '';
    if (long === '--help') continue;
    flags.push(match[1] === undefined ? { long } : { long, short: match[1] });
  }
  return flags;
}
