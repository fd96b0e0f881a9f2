/**
 * tus-js-client's default fingerprint in Node, the same strings: bytes by the MD5 of their
 * first 64 KiB and their length, an `fs.ReadStream` by its file's path, size and mtime;
 * `null` (not stored) for other streams.
 */
import { createHash } from 'node:crypto';
import { ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { UploadFile, UploadOptions } from './types.js';

export async function nodeFingerprint(
  file: UploadFile,
  options: UploadOptions,
): Promise<string | null> {
  if (file instanceof Uint8Array) {
    const head = file.subarray(0, Math.min(64 * 1024, file.byteLength));
    const hash = createHash('md5').update(head).digest('hex');
    return ['node-buffer', hash, file.byteLength, options.endpoint ?? ''].join('-');
  }
  if (file instanceof ReadStream && file.path !== undefined) {
    const path = String(file.path);
    const info = await stat(path);
    return [
      'node-file',
      resolve(path),
      info.size,
      info.mtime.getTime(),
      options.endpoint ?? '',
    ].join('-');
  }
  return null;
}
