/**
 * Temp files for CLI tests, and their hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  /** Writes `size` random bytes to `name`; returns the path. */
  file(name: string, size: number): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = 'ru-cli-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async file(name, size) {
      const file = join(path, name);
      await writeFile(file, randomBytes(size));
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** One JSON object per stdout line. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The plain result lines of `upload` (`URL  FILE`), as a map from file to URL. */
export function resultLines(stdout: string): Map<string, string> {
  const results = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) {2}(.+?)( {2}\(already done\))?$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) results.set(match[2], match[1]);
  }
  return results;
}

/** The URL of the only result line of `stdout`. */
export function onlyUrl(stdout: string): string {
  const urls = [...resultLines(stdout).values()];
  if (urls.length !== 1 || urls[0] === undefined) throw new Error(`not one result: ${stdout}`);
  return urls[0];
}
