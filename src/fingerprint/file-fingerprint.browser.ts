/**
 * `FileFingerprint`, the browser's default fingerprinter: for a `File`, its name, type,
 * size and lastModified plus the SHA-256 of its first 64 KiB (a picked file is not read
 * whole just to be recognized); for any other input, the content fingerprint
 * (`Fingerprint`: SHA-256 of all of it plus the size). Streams have none.
 */
import {
  Fingerprint,
  type FingerprintContext,
  type Fingerprinter,
  type FingerprintSource,
} from './fingerprinter.js';

/** Bytes at the start of a `File` that `FileFingerprint` hashes. */
export const FILE_FINGERPRINT_BLOCK = 65_536;

interface FileLike {
  name: string;
  type: string;
  lastModified: number;
}

function isFileLike(value: unknown): value is FileLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof FileLike, unknown>>;
  return typeof v.name === 'string' && typeof v.lastModified === 'number';
}

export class FileFingerprint implements Fingerprinter {
  readonly #content = new Fingerprint();

  async getFingerprint(
    source: FingerprintSource,
    context: FingerprintContext,
  ): Promise<string | undefined> {
    const file = context.input;
    const size = source.size;
    if (!isFileLike(file) || !source.seekable || size === undefined) {
      return this.#content.getFingerprint(source, context);
    }
    const hash = context.createHash('sha256');
    if (hash === undefined) return this.#content.getFingerprint(source, context);
    const head = await source.read(0, Math.min(size, FILE_FINGERPRINT_BLOCK));
    hash.update(head);
    const type = typeof file.type === 'string' ? file.type : '';
    return [
      `file:${encodeURIComponent(file.name)}`,
      `type:${type}`,
      `size:${size}`,
      `modified:${file.lastModified}`,
      `sha256-64k:${await hash.digestHex()}`,
    ].join('--');
  }
}
