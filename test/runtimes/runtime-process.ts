/**
 * Runs a script under another JavaScript runtime (the `bun` binary from node_modules) as a
 * child process, bounded in time, and hands back its output. The scripts import the built
 * package (`dist/`): run `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'test', 'runtimes', 'fixtures');
export const BUN = join(ROOT, 'node_modules', '.bin', 'bun');

/** Throws a clear error when the build the scripts import is missing. */
export function requireBuild(): void {
  for (const file of ['index.node.js', 'index.browser.js', join('server', 'index.js')]) {
    if (!existsSync(join(ROOT, 'dist', file))) {
      throw new Error(`dist/${file} is missing: run \`npm run build\` before the runtime tests`);
    }
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs `command args` from the repository root; rejects with its output if it fails. */
export function run(command: string, args: string[], timeoutMs = 90_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} ${args[0] ?? ''} failed: ${error.message}\n${stderr}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** The last line of `stdout` that parses as JSON. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (line.startsWith('{')) return JSON.parse(line) as T;
  }
  throw new Error(`no JSON line in the output:\n${stdout}`);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function fileSha256(path: string): Promise<string> {
  return sha256(await readFile(path));
}
