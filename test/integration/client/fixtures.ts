/** Shared bits of the client integration tests: deterministic bytes, temp files, hashes. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KiB = 1024;
export const MiB = 1024 * 1024;

/**
 * Whether a progress report is a chunk's end (or a resume's only report): everything sent
 * is confirmed and no retry is pending. The others are reports from within a request.
 */
export function isChunkEnd(stats: {
  bytesSent: number;
  bytesUploaded: number;
  retry: unknown;
}): boolean {
  return stats.bytesSent === stats.bytesUploaded && stats.retry === undefined;
}

/** `size` pseudo-random bytes, the same for the same `seed`. */
export function bytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the file at `path`. */
export async function sha256File(path: string): Promise<string> {
  return sha256(await readFile(path));
}

/** A temp dir; `cleanup()` removes it. */
export async function tempDir(): Promise<{
  dir: string;
  file(name: string, data: Uint8Array): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'ru-client-'));
  return {
    dir,
    async file(name, data) {
      const path = join(dir, name);
      await writeFile(path, data);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
