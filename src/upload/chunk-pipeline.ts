/**
 * Reads and hashes chunk n+1 while chunk n is on the wire, so that disk reads and
 * digests stay off the upload's critical path. At most one chunk is prepared ahead, and
 * inputs that can read into a given buffer (files) reuse two buffers for the whole upload.
 */
import type { ChecksumProvider } from '../checksum/checksum-provider.js';
import { TusInputError } from '../errors/index.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { ChecksumAlgorithm } from '../types.js';

/** A chunk's bytes and, when checksums are on, their base64 digest. */
export interface PreparedChunk {
  readonly start: number;
  readonly data: Uint8Array;
  readonly digest: string | undefined;
}

interface Ahead {
  readonly start: number;
  readonly length: number;
  readonly chunk: Promise<PreparedChunk>;
  readonly buffer: Uint8Array | undefined;
}

/** Chunks up to this size are read into reused buffers; larger ones are allocated per read. */
const POOLED_MAX_BYTES = 64 * 1024 * 1024;
/** One buffer on the wire and one being prepared. */
const POOL_SIZE = 2;

export class ChunkPipeline {
  readonly #source: UploadSource;
  readonly #checksum: ChecksumProvider;
  readonly #algorithm: ChecksumAlgorithm | undefined;
  #ahead: Ahead | undefined;
  /** Buffers free for the next read. */
  readonly #free: Uint8Array[] = [];
  /** The buffer of the chunk `take` handed out last (on the wire until the next `take`). */
  #lent: Uint8Array | undefined;

  constructor(
    source: UploadSource,
    checksum: ChecksumProvider,
    algorithm: ChecksumAlgorithm | undefined,
  ) {
    this.#source = source;
    this.#checksum = checksum;
    this.#algorithm = algorithm;
  }

  /**
   * The bytes `[start, start + length)` and their digest: prepared ahead if they were.
   * The uploader sends one chunk at a time, so the chunk handed out before is done with:
   * its buffer is reused.
   */
  take(start: number, length: number): Promise<PreparedChunk> {
    this.#recycle(this.#lent);
    this.#lent = undefined;
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (ahead !== undefined && ahead.start === start && ahead.length === length) {
      this.#lent = ahead.buffer;
      return ahead.chunk;
    }
    if (ahead !== undefined) this.#drop(ahead);
    const buffer = this.#borrow(length);
    this.#lent = buffer;
    return this.#prepare(start, length, buffer);
  }

  /**
   * Starts preparing `[start, start + length)` in the background. Only for inputs that
   * can go back (a forward-only stream must keep the current chunk for a retry).
   */
  prefetch(start: number, length: number): void {
    if (length <= 0 || !this.#source.seekable) return;
    if (this.#ahead !== undefined) this.#drop(this.#ahead);
    const buffer = this.#borrow(length);
    const chunk = this.#prepare(start, length, buffer);
    // A failure surfaces when (and if) the chunk is taken; an unused one is dropped.
    chunk.catch(() => {});
    this.#ahead = { start, length, chunk, buffer };
  }

  /** Drops what was prepared ahead (the server's offset went elsewhere). */
  discard(): void {
    if (this.#ahead !== undefined) this.#drop(this.#ahead);
    this.#ahead = undefined;
  }

  async #prepare(
    start: number,
    length: number,
    buffer: Uint8Array | undefined,
  ): Promise<PreparedChunk> {
    const source = this.#source;
    const data =
      buffer !== undefined && source.readInto !== undefined
        ? await source.readInto(start, buffer.subarray(0, length))
        : await source.read(start, length);
    if (data.byteLength !== length) {
      throw new TusInputError(
        `the input gave ${data.byteLength} bytes at ${start}, expected ${length}`,
      );
    }
    const digest =
      this.#algorithm === undefined
        ? undefined
        : await this.#checksum.digest(this.#algorithm, data);
    return { start, data, digest };
  }

  /** A buffer for `length` bytes when the input can read into one, else `undefined`. */
  #borrow(length: number): Uint8Array | undefined {
    if (this.#source.readInto === undefined || length > POOLED_MAX_BYTES || length === 0) {
      return undefined;
    }
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= length);
    if (index >= 0) return this.#free.splice(index, 1)[0];
    return new Uint8Array(length);
  }

  #recycle(buffer: Uint8Array | undefined): void {
    if (buffer !== undefined && this.#free.length < POOL_SIZE) this.#free.push(buffer);
  }

  /** A read may still be filling the buffer: it returns to the pool once that ends. */
  #drop(ahead: Ahead): void {
    const release = () => this.#recycle(ahead.buffer);
    ahead.chunk.then(release, release);
  }
}
