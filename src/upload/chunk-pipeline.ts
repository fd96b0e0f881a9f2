/**
 * Prepares chunk n+1 (its body and digest) while chunk n is on the wire, so that disk
 * reads and digests stay off the upload's critical path. At most one chunk is prepared
 * ahead. How a chunk is held depends on its input and size:
 *
 * - a file chunk up to `IN_MEMORY_MAX` is read into one of two reused buffers and hashed;
 * - a larger file chunk is hashed by one read, a piece at a time, and sent by a second read
 *   of the same range (a `StreamedBody`): memory stays a few pieces whatever the chunk size;
 * - a `Blob` chunk is sent as a `Blob` slice (never copied into JavaScript memory); hashing
 *   reads it, whole up to `BLOB_ONE_SHOT_MAX`, beyond that in pieces hashed forward
 *   (forward-digest.ts) when the platform hashes incrementally, so that the part hashed by
 *   the time the chunk is due can go as the chunk instead of being waited for;
 * - bytes in memory are sent as a view of them; a stream's chunk is what the stream keeps.
 */
import type { ChecksumProvider, IncrementalDigest } from '../checksum/checksum-provider.js';
import { TusInputError } from '../errors/index.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { RequestBody, StreamedBody } from '../transport/http-transport.js';
import type { ChecksumAlgorithm } from '../types.js';
import { BufferPool } from './buffer-pool.js';
import { ForwardDigest } from './forward-digest.js';

/** A chunk ready to send: its body and, when checksums are on, the body's base64 digest. */
export interface PreparedChunk {
  readonly start: number;
  readonly length: number;
  readonly body: RequestBody;
  readonly digest: string | undefined;
}

interface Ahead {
  readonly start: number;
  readonly length: number;
  readonly chunk: Promise<PreparedChunk>;
  readonly buffer: Uint8Array | undefined;
}

/** File chunks up to this size are held whole (pooled buffers, one-shot digests). */
export const IN_MEMORY_MAX = 8 * 1024 * 1024;
/**
 * Blob chunks up to this size are hashed in one read (Web Crypto, native and fast); larger
 * ones a piece at a time: a page's JavaScript heap holds at most this much of a chunk.
 */
export const BLOB_ONE_SHOT_MAX = 4 * 1024 * 1024;
/** Larger chunks are read, hashed and sent this many bytes at a time. */
export const PIECE_BYTES = 1024 * 1024;
/** The largest chunk of a forward-only stream: it is held in memory for a retry. */
export const STREAM_CHUNK_MAX = 16 * 1024 * 1024;
export class ChunkPipeline {
  readonly #source: UploadSource;
  readonly #checksum: ChecksumProvider;
  readonly #algorithm: ChecksumAlgorithm | undefined;
  #ahead: Ahead | undefined;
  /** Hashing ahead of a chunk whose size is not decided yet. */
  #forward: ForwardDigest | undefined;
  readonly #pool: BufferPool;
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
    this.#pool = new BufferPool(source.slice !== undefined);
  }

  /**
   * The largest chunk this input can be sent in without holding more than a few MiB:
   * unbounded for files, Blobs and bytes in memory, `STREAM_CHUNK_MAX` for a stream, and
   * `BLOB_ONE_SHOT_MAX` for a Blob whose digest can only be computed in one piece.
   */
  get maxChunk(): number {
    const source = this.#source;
    if (!source.seekable) return STREAM_CHUNK_MAX;
    if (
      source.slice !== undefined &&
      this.#algorithm !== undefined &&
      this.#incremental() === undefined
    ) {
      return BLOB_ONE_SHOT_MAX;
    }
    return Number.POSITIVE_INFINITY;
  }

  /**
   * The chunk `[start, start + length)`: prepared ahead if it was. The uploader sends one
   * chunk at a time, so the chunk handed out before is done with: its buffer is reused.
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
    const forward = this.#forward;
    const buffer = this.#borrow(length);
    this.#lent = buffer;
    // Hashing forward from where this chunk ends (creation-lookahead.ts) goes on for the next.
    if (forward !== undefined && forward.start === start + length) {
      return this.#prepare(start, length, buffer);
    }
    this.#forward = undefined;
    if (forward !== undefined && forward.start === start && length <= forward.reach) {
      return this.#prepare(start, length, buffer, () => forward.digestOf(length));
    }
    forward?.stop();
    return this.#prepare(start, length, buffer);
  }

  /**
   * Hashes forward from `start` (towards `end` at most) while the size of the chunk that
   * starts there is not decided yet (forward-digest.ts): `take(start, n)` then finds its
   * digest ready for any `n`. Only with a checksum, an incremental hash and an input that
   * can go back; otherwise nothing is prepared.
   */
  prefetchForward(start: number, end: number): void {
    const forward = this.#forward;
    // Already hashing from there, as far: it goes on (creation-lookahead.ts started it).
    if (forward !== undefined && forward.start === start && forward.reach >= end - start) {
      if (this.#ahead !== undefined) this.#drop(this.#ahead);
      this.#ahead = undefined;
      return;
    }
    this.discard();
    const algorithm = this.#algorithm;
    if (algorithm === undefined || !this.#source.seekable || end <= start) return;
    if (this.#incremental() === undefined) return;
    this.#forward = new ForwardDigest({
      start,
      end,
      pieceBytes: PIECE_BYTES,
      read: (at, length, into) => this.#readPiece(at, length, into),
      // A Blob's pieces come from the pool (a page's garbage collector lags behind a new pair
      // per chunk by tens of MiB); a file's pool holds whole chunks, too large for pieces.
      ...(this.#source.slice !== undefined && {
        buffers: {
          take: (n: number) => this.#pool.take(n),
          give: (v: Uint8Array) => this.#pool.give(v),
        },
      }),
      createHash: () => this.#incremental()!,
    });
  }

  /**
   * Starts preparing `[start, start + length)` in the background. Only for inputs that
   * can go back (a forward-only stream must keep the current chunk for a retry).
   */
  prefetch(start: number, length: number): void {
    if (length <= 0 || !this.#source.seekable) return;
    // A large Blob chunk hashes forward instead: should its digest not be ready in time, the
    // part hashed so far can go as the chunk (chunk-planner.ts) rather than be waited for.
    if (this.#source.slice !== undefined && length > BLOB_ONE_SHOT_MAX && this.#incremental()) {
      this.prefetchForward(start, start + length);
      return;
    }
    this.discard();
    const buffer = this.#borrow(length);
    const chunk = this.#prepare(start, length, buffer);
    // A failure surfaces when (and if) the chunk is taken; an unused one is dropped.
    chunk.catch(() => {});
    this.#ahead = { start, length, chunk, buffer };
  }

  /** Bytes hashed so far by the forward digest from `start`, if one runs from there. */
  forwardHashed(start: number): number | undefined {
    const forward = this.#forward;
    return forward !== undefined && forward.start === start ? forward.hashed : undefined;
  }

  /**
   * About how long (ms) until the forward digest from `start` covers `length` bytes
   * (`ForwardDigest.msUntil`); `undefined` when none runs from there or no rate is known.
   */
  forwardWaitMs(start: number, length: number): number | undefined {
    const forward = this.#forward;
    return forward !== undefined && forward.start === start ? forward.msUntil(length) : undefined;
  }

  /** The length of the chunk prepared ahead from `start`, if one is. */
  aheadLength(start: number): number | undefined {
    const ahead = this.#ahead;
    return ahead !== undefined && ahead.start === start ? ahead.length : undefined;
  }

  /** Drops what was prepared ahead (the server's offset went elsewhere). */
  discard(): void {
    if (this.#ahead !== undefined) this.#drop(this.#ahead);
    this.#ahead = undefined;
    this.#forward?.stop();
    this.#forward = undefined;
  }

  /** The chunk's body and digest (`digestOf`: a digest prepared otherwise, forward-digest.ts). */
  async #prepare(
    start: number,
    length: number,
    buffer: Uint8Array | undefined,
    digestOf?: () => Promise<string>,
  ): Promise<PreparedChunk> {
    const source = this.#source;
    const digestOfRange = () => digestOf?.() ?? this.#digestOfRange(start, length);
    if (source.slice !== undefined) {
      const body = source.slice(start, length);
      if (body.size !== length) this.#short(start, body.size, length);
      return { start, length, body, digest: await digestOfRange() };
    }
    if (source.readInto !== undefined && length > IN_MEMORY_MAX && this.#canStream()) {
      const digest = await digestOfRange();
      return { start, length, body: this.#streamed(start, length), digest };
    }
    const data =
      buffer !== undefined && source.readInto !== undefined
        ? await source.readInto(start, buffer.subarray(0, length))
        : await source.read(start, length);
    if (data.byteLength !== length) this.#short(start, data.byteLength, length);
    const algorithm = this.#algorithm;
    const digest =
      digestOf !== undefined
        ? await digestOf()
        : algorithm === undefined
          ? undefined
          : await this.#checksum.digest(algorithm, data);
    return { start, length, body: data, digest };
  }

  /** A large file range hashes and sends in pieces (when the digest can be built so). */
  #canStream(): boolean {
    return this.#algorithm === undefined || this.#incremental() !== undefined;
  }

  #incremental(): IncrementalDigest | undefined {
    const algorithm = this.#algorithm;
    return algorithm === undefined ? undefined : this.#checksum.incremental?.(algorithm);
  }

  /** The digest of `[start, start + length)`: whole when small, else piece by piece. */
  async #digestOfRange(start: number, length: number): Promise<string | undefined> {
    const algorithm = this.#algorithm;
    if (algorithm === undefined) return undefined;
    const oneShot = this.#source.slice !== undefined ? BLOB_ONE_SHOT_MAX : IN_MEMORY_MAX;
    const hash = length > oneShot ? this.#incremental() : undefined;
    if (hash === undefined) {
      const data = await this.#readPiece(start, length, this.#pool.take(length));
      try {
        return await this.#checksum.digest(algorithm, data);
      } finally {
        this.#giveBack(data);
      }
    }
    // Two buffers: the next piece is read while this one is hashed.
    const pieces: Uint8Array[] = [];
    const end = start + length;
    let next = this.#readPiece(start, Math.min(PIECE_BYTES, length), this.#pool.take(PIECE_BYTES));
    try {
      for (let at = start; at < end; ) {
        const piece = await next;
        pieces.push(piece);
        const after = at + piece.byteLength;
        if (after < end) {
          const buffer = pieces.length >= 2 ? pieces.shift()! : this.#pool.take(PIECE_BYTES);
          next = this.#readPiece(
            after,
            Math.min(PIECE_BYTES, end - after),
            new Uint8Array(buffer.buffer),
          );
        }
        hash.update(piece);
        at = after;
      }
    } finally {
      next.catch(() => {});
      for (const piece of pieces) this.#giveBack(piece);
    }
    return hash.digest();
  }

  /**
   * The range as pieces read when the transport asks for them, one read ahead, into three
   * buffers in turn: the transport asks for a piece only once the one before has left
   * (node-body.node.ts waits for the socket), so the piece two back is free again.
   */
  #streamed(start: number, length: number): StreamedBody {
    const read = (at: number, bytes: number, into: Uint8Array) => this.#readPiece(at, bytes, into);
    return {
      length,
      async *pieces() {
        const ring: Uint8Array[] = [0, 1, 2].map(() => new Uint8Array(PIECE_BYTES));
        const end = start + length;
        let turn = 0;
        let next: Promise<Uint8Array> | undefined = read(
          start,
          Math.min(PIECE_BYTES, length),
          ring[0]!,
        );
        try {
          for (let at = start; next !== undefined; ) {
            const piece: Uint8Array = await next;
            ring[turn] = new Uint8Array(piece.buffer);
            at += piece.byteLength;
            turn = (turn + 1) % ring.length;
            next = at < end ? read(at, Math.min(PIECE_BYTES, end - at), ring[turn]!) : undefined;
            yield piece;
          }
        } finally {
          // Stopped early (the request failed): the read ahead is not wanted.
          next?.catch(() => {});
        }
      },
    };
  }

  /** `length` bytes at `at`, into `into` or a fresh buffer (pieces on the wire are not reused). */
  async #readPiece(at: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    const source = this.#source;
    const target = into === undefined ? new Uint8Array(length) : into.subarray(0, length);
    const data =
      source.readInto !== undefined
        ? await source.readInto(at, target)
        : await source.read(at, length);
    if (data.byteLength !== length) this.#short(at, data.byteLength, length);
    return data;
  }

  #short(start: number, got: number, wanted: number): never {
    throw new TusInputError(`the input gave ${got} bytes at ${start}, expected ${wanted}`);
  }

  /** A buffer for a file chunk of `length` bytes held whole, else `undefined`. */
  #borrow(length: number): Uint8Array | undefined {
    const source = this.#source;
    if (source.readInto === undefined || source.slice !== undefined) return undefined;
    if (length > IN_MEMORY_MAX || length === 0) return undefined;
    return this.#pool.take(length);
  }

  #recycle(buffer: Uint8Array | undefined): void {
    this.#pool.give(buffer);
  }

  /**
   * Back to the pool, when the memory is ours: a source that reads into buffers filled one
   * of the pool's; a source without `readInto` returns views of its own bytes (the
   * caller's input), which the pool must never hold.
   */
  #giveBack(data: Uint8Array): void {
    if (this.#source.readInto !== undefined) this.#pool.give(data);
  }

  /** A read may still be filling the buffer: it returns to the pool once that ends. */
  #drop(ahead: Ahead): void {
    const release = () => this.#recycle(ahead.buffer);
    ahead.chunk.then(release, release);
  }
}
