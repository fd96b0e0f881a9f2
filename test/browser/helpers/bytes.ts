/** The page's deterministic bytes (fixtures/harness.js `makeBytes`), made in Node. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export function makeBytes(size: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
    out[i + 1] = x >>> 8;
    out[i + 2] = x >>> 16;
    out[i + 3] = x >>> 24;
  }
  return out;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The SHA-256 of a stored upload's bytes. */
export async function fileSha256(path: string): Promise<string> {
  return sha256Hex(await readFile(path));
}
