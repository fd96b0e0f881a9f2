/** The page's deterministic bytes (fixtures/make-bytes.js, shared with the page), in Node. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export { makeBytes } from '../fixtures/make-bytes.js';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The SHA-256 of a stored upload's bytes. */
export async function fileSha256(path: string): Promise<string> {
  return sha256Hex(await readFile(path));
}
