/**
 * Fingerprints: a string that names an input's content, under which its upload URL is
 * stored so that a later session can find it. Platform-free: hashing comes from the
 * platform through `FingerprintContext.createHash`.
 */
import { TusInputError } from '../errors/index.js';

/** The bytes to fingerprint (an `UploadSource` is one). */
export interface FingerprintSource {
  /** Total bytes, `undefined` when unknown. */
  readonly size: number | undefined;
  /** `false` for a stream: reading it would consume what the upload needs. */
  readonly seekable: boolean;
  /** The file's base name, when there is one. */
  readonly name?: string | undefined;
  /** Bytes `[offset, offset + length)`, fewer only at the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Like `read`, into `target` (reused by the caller). */
  readInto?(offset: number, target: Uint8Array): Promise<Uint8Array>;
}

/** Hash algorithms a fingerprinter may ask the platform for. */
export type FingerprintHashAlgorithm = 'sha256' | 'md5';

/** A hash fed piece by piece (constant memory). */
export interface IncrementalHash {
  update(data: Uint8Array): void;
  /** The lower-case hex digest. */
  digestHex(): string | Promise<string>;
}

/** What a fingerprinter gets besides the bytes. */
export interface FingerprintContext {
  /** An incremental hash of this platform; `undefined` when it has none for `algorithm`. */
  createHash(algorithm: FingerprintHashAlgorithm): IncrementalHash | undefined;
  /** The `filePath` of the call, when one was given. */
  filePath: string | undefined;
  /** The `input` of the call, when one was given. */
  input: unknown;
}

/**
 * Anything with this method can be the `fingerprinter` option. Resolve `undefined` when the
 * input cannot be fingerprinted (a stream); the client then says so.
 */
export interface Fingerprinter {
  getFingerprint(
    source: FingerprintSource,
    context: FingerprintContext,
  ): Promise<string | undefined> | string | undefined;
}

/** Whether `value` has a `getFingerprint` method. */
export function isFingerprinter(value: unknown): value is Fingerprinter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getFingerprint?: unknown }).getFingerprint === 'function'
  );
}

/** Bytes read per step while hashing. */
const BLOCK = 1024 * 1024;

/**
 * The default: SHA-256 of the whole content plus the size, `size:<n>--sha256:<hex>`.
 * The content is read in 1 MiB blocks into one reused buffer (constant memory). Streams
 * have no fingerprint (`undefined`).
 */
export class Fingerprint implements Fingerprinter {
  async getFingerprint(
    source: FingerprintSource,
    context: FingerprintContext,
  ): Promise<string | undefined> {
    const size = source.size;
    if (!source.seekable || size === undefined) return undefined;
    const hash = hashOf(context, 'sha256');
    await feed(source, hash, size);
    return `size:${size}--sha256:${await hash.digestHex()}`;
  }
}

/** Bytes at the start of the input that `PartialMD5Fingerprint` hashes. */
export const PARTIAL_MD5_BLOCK = 65_536;

/**
 * MD5 of the first 64 KiB plus the size, `size:<n>--md5:<hex>`: the format of the Python
 * client (tuspy), so entries interoperate. Fast on huge files, but two files that share
 * their first 64 KiB and their size get the same fingerprint.
 */
export class PartialMD5Fingerprint implements Fingerprinter {
  async getFingerprint(
    source: FingerprintSource,
    context: FingerprintContext,
  ): Promise<string | undefined> {
    const size = source.size;
    if (!source.seekable || size === undefined) return undefined;
    const hash = hashOf(context, 'md5');
    await feed(source, hash, Math.min(size, PARTIAL_MD5_BLOCK));
    return `size:${size}--md5:${await hash.digestHex()}`;
  }
}

/** A fingerprinter from a function (which may name a stream by whatever the caller knows). */
export class CallableFingerprint implements Fingerprinter {
  readonly #fn: Fingerprinter['getFingerprint'];

  constructor(fn: Fingerprinter['getFingerprint']) {
    if (typeof fn !== 'function') {
      throw new TypeError(`CallableFingerprint takes a function, got ${typeof fn}`);
    }
    this.#fn = fn;
  }

  async getFingerprint(
    source: FingerprintSource,
    context: FingerprintContext,
  ): Promise<string | undefined> {
    const value = await this.#fn(source, context);
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new TypeError(
        `the CallableFingerprint function must return a non-empty string or undefined, got ${typeof value === 'string' ? 'an empty string' : typeof value}`,
      );
    }
    return value;
  }
}

function hashOf(context: FingerprintContext, algorithm: FingerprintHashAlgorithm): IncrementalHash {
  const hash = context.createHash(algorithm);
  if (hash === undefined) {
    throw new TusInputError(
      `${algorithm} is not available on this platform to fingerprint the input: pass another fingerprinter (e.g. a CallableFingerprint)`,
    );
  }
  return hash;
}

/**
 * Feeds bytes `[0, end)` of `source` to `hash`, one reused block at a time. A `readInto` may
 * move the block's memory (a BYOB read transfers it: the old view is detached, empty): the
 * next read then goes into the view it returned.
 */
async function feed(source: FingerprintSource, hash: IncrementalHash, end: number): Promise<void> {
  const size = Math.min(BLOCK, Math.max(end, 1));
  let buffer: Uint8Array = new Uint8Array(size);
  for (let offset = 0; offset < end; ) {
    const want = Math.min(size, end - offset);
    const bytes =
      source.readInto !== undefined
        ? await source.readInto(offset, buffer.subarray(0, want))
        : await source.read(offset, want);
    if (bytes.length === 0) {
      throw new TusInputError(`the input ended at ${offset} bytes while fingerprinting ${end}`);
    }
    hash.update(bytes);
    offset += bytes.length;
    if (buffer.byteLength === 0) buffer = reclaimed(bytes, size);
  }
}

/** A block of `size` bytes in the memory `view` was moved to, or a new one when it is smaller. */
function reclaimed(view: Uint8Array, size: number): Uint8Array {
  const memory = view.buffer;
  return memory.byteLength - view.byteOffset >= size
    ? new Uint8Array(memory, view.byteOffset, size)
    : new Uint8Array(size);
}
