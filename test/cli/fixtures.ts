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
