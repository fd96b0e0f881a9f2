/**
 * Reads and hashes chunk n+1 while chunk n is on the wire, so that disk reads and
 * digests stay off the upload's critical path. At most one chunk is prepared ahead.
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
}

export class ChunkPipeline {
  readonly #source: UploadSource;
  readonly #checksum: ChecksumProvider;
  readonly #algorithm: ChecksumAlgorithm | undefined;
  #ahead: Ahead | undefined;

  constructor(
    source: UploadSource,
    checksum: ChecksumProvider,
    algorithm: ChecksumAlgorithm | undefined,
  ) {
    this.#source = source;
    this.#checksum = checksum;
    this.#algorithm = algorithm;
  }

  /** The bytes `[start, start + length)` and their digest: prepared ahead if they were. */
  take(start: number, length: number): Promise<PreparedChunk> {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (ahead !== undefined && ahead.start === start && ahead.length === length) {
      return ahead.chunk;
    }
    return this.#prepare(start, length);
  }

  /**
   * Starts preparing `[start, start + length)` in the background. Only for inputs that
   * can go back (a forward-only stream must keep the current chunk for a retry).
   */
  prefetch(start: number, length: number): void {
    if (length <= 0 || !this.#source.seekable) return;
    const chunk = this.#prepare(start, length);
    // A failure surfaces when (and if) the chunk is taken; an unused one is dropped.
    chunk.catch(() => {});
    this.#ahead = { start, length, chunk };
  }

  /** Drops what was prepared ahead (the server's offset went elsewhere). */
  discard(): void {
    this.#ahead = undefined;
  }

  async #prepare(start: number, length: number): Promise<PreparedChunk> {
    const data = await this.#source.read(start, length);
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
}
