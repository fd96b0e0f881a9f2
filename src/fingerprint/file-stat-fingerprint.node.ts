/**
 * `FileStatFingerprint`: a fingerprint of a file on disk that is ready at once, whatever
 * the file's size. The default `Fingerprint` reads the whole file before the first byte is
 * sent (about 1.2 s per GiB, minutes for 100 GB); this one reads at most 192 KiB:
 *
 * - the absolute path, the size, the modification time (ns), the device and the inode
 *   (`fs.stat`): a file edited, replaced (an editor's atomic save makes a new inode),
 *   touched or moved gets a new fingerprint, so its stale upload is never resumed;
 * - the SHA-256 of three 64 KiB samples, at the start, the middle and the end: a change
 *   that kept the size, the time and the inode (a copy made with `cp -p` onto the same
 *   inode, a clock set back) is still caught where it touched those samples.
 *
 * The format is `file:v1;size=<n>;mtime=<ns>;ino=<dev>:<ino>;samples-sha256=<hex>;path=<abs>`
 * (the path last: it may hold any character); `parseFileStatFingerprint` reads it back, so a
 * tool can say which file a stored upload belongs to. Inputs without a `filePath` get the
 * content fingerprint (`Fingerprint`); streams have none.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TusInputError } from '../errors/index.js';
import {
  Fingerprint,
  type FingerprintContext,
  type Fingerprinter,
  type FingerprintSource,
} from './fingerprinter.js';

/** Bytes of each of the three samples that `FileStatFingerprint` hashes. */
export const FILE_STAT_SAMPLE = 65_536;

const PREFIX = 'file:v1;';

/** Where the samples start: the start, the middle and the last `FILE_STAT_SAMPLE` bytes. */
export function sampleOffsets(size: number): number[] {
  if (size <= 3 * FILE_STAT_SAMPLE) return [0];
  const middle = Math.floor((size - FILE_STAT_SAMPLE) / 2);
  return [0, middle, size - FILE_STAT_SAMPLE];
}

export class FileStatFingerprint implements Fingerprinter {
  readonly #content = new Fingerprint();

  async getFingerprint(
    source: FingerprintSource,
    context: FingerprintContext,
  ): Promise<string | undefined> {
    if (context.filePath === undefined) return this.#content.getFingerprint(source, context);
    const size = source.size;
    if (!source.seekable || size === undefined) return undefined;
    const path = resolve(context.filePath);
    const info = await stat(path, { bigint: true });
    const hash = context.createHash('sha256');
    if (hash === undefined) {
      throw new TusInputError('sha256 is not available on this platform to fingerprint the file');
    }
    // A file of up to three samples is hashed whole (one read); else three samples.
    const whole = size <= 3 * FILE_STAT_SAMPLE;
    for (const offset of sampleOffsets(size)) {
      const want = whole ? size : FILE_STAT_SAMPLE;
      for (let at = 0; at < want; ) {
        const bytes = await source.read(offset + at, want - at);
        if (bytes.length === 0) {
          throw new TusInputError(`${path} ended at ${offset + at} bytes while fingerprinting`);
        }
        hash.update(bytes);
        at += bytes.length;
      }
    }
    const samples = await hash.digestHex();
    return `${PREFIX}size=${size};mtime=${info.mtimeNs};ino=${info.dev}:${info.ino};samples-sha256=${samples};path=${path}`;
  }
}

/** What a `FileStatFingerprint` says about its file. */
export interface FileStatFingerprintParts {
  /** The absolute path of the file when it was fingerprinted. */
  path: string;
  size: number;
}

/** The path and size inside a `FileStatFingerprint` string; `undefined` for any other. */
export function parseFileStatFingerprint(
  fingerprint: string,
): FileStatFingerprintParts | undefined {
  if (!fingerprint.startsWith(PREFIX)) return undefined;
  const match = /^size=(\d+);mtime=\d+;ino=\d+:\d+;samples-sha256=[0-9a-f]+;path=(.+)$/s.exec(
    fingerprint.slice(PREFIX.length),
  );
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return { path: match[2], size: Number(match[1]) };
}
