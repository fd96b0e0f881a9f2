/**
 * Hashing ahead of a chunk whose size is not known yet. While chunk n is on the wire, the
 * size of chunk n+1 depends on how long chunk n takes (chunk-sizing.ts); hashing a guess
 * and guessing wrong puts the whole digest on the critical path (on the first step of an
 * adaptive upload, 1 MiB to tens of MiB, ~100 ms). Instead this hashes forward from where
 * chunk n+1 starts, a piece at a time, keeping a copy of the running hash at every piece
 * boundary: whatever size is then chosen, its digest is one copy plus at most one piece
 * away. It stops as soon as the size is chosen. Memory: two piece buffers (borrowed from
 * the caller's pool and handed back) and a small hash state per piece hashed.
 */
import type { IncrementalDigest } from '../checksum/checksum-provider.js';
import { TusInputError } from '../errors/index.js';

/** Reads `[at, at + length)` into `into` (or anywhere); resolves with the bytes read. */
export type PieceReader = (at: number, length: number, into?: Uint8Array) => Promise<Uint8Array>;

/** Where piece buffers come from and go back to (a pool reused from chunk to chunk). */
export interface PieceBuffers {
  take(length: number): Uint8Array;
  give(buffer: Uint8Array): void;
}

const FRESH: PieceBuffers = { take: (length) => new Uint8Array(length), give: () => {} };

export class ForwardDigest {
  readonly start: number;
  readonly #end: number;
  readonly #piece: number;
  readonly #read: PieceReader;
  readonly #buffers: PieceBuffers;
  readonly #createHash: () => IncrementalDigest;
  readonly #hash: IncrementalDigest;
  /** Copies of the hash after each piece: `#checkpoints[k]` covers `[start, start + (k+1)·piece)`. */
  readonly #checkpoints: IncrementalDigest[] = [];
  /** Bytes hashed so far, from `start`. */
  #hashed = 0;
  #stopped = false;
  #failure: unknown;
  readonly #now: () => number;
  /** When hashing began (`#now`), for its rate. */
  readonly #began: number;
  readonly #waiters = new Set<() => void>();
  readonly #running: Promise<void>;

  constructor(settings: {
    start: number;
    /** Where hashing ahead stops at the most (the end of the largest chunk possible). */
    end: number;
    pieceBytes: number;
    read: PieceReader;
    /** Piece buffers: new ones unless given. */
    buffers?: PieceBuffers;
    /** A new incremental hash of the chunks' algorithm. */
    createHash: () => IncrementalDigest;
    /** The clock (ms) the hashing rate is measured by. @default performance.now */
    now?: () => number;
  }) {
    this.start = settings.start;
    this.#end = settings.end;
    this.#piece = settings.pieceBytes;
    this.#read = settings.read;
    this.#buffers = settings.buffers ?? FRESH;
    this.#createHash = settings.createHash;
    this.#now = settings.now ?? (() => performance.now());
    this.#began = this.#now();
    this.#hash = settings.createHash();
    this.#running = this.#run();
    this.#running.catch(() => {});
  }

  /** Bytes hashed so far. */
  get hashed(): number {
    return this.#hashed;
  }

  /**
   * About how long (ms) until the digest of `length` bytes can be had, at the rate hashed
   * so far: 0 when it is, `undefined` while no rate is known, `Infinity` if it never will
   * be (beyond its reach, stopped short, or failed).
   */
  msUntil(length: number): number | undefined {
    if (length > this.reach) return Number.POSITIVE_INFINITY;
    const whole = Math.floor(length / this.#piece) * this.#piece;
    if (this.#hashed >= whole) return 0;
    if (this.#stopped || this.#failure !== undefined) return Number.POSITIVE_INFINITY;
    const elapsed = this.#now() - this.#began;
    if (this.#hashed === 0 || !(elapsed > 0)) return undefined;
    return ((whole - this.#hashed) * elapsed) / this.#hashed;
  }

  /** The most bytes from `start` a digest can be asked for. */
  get reach(): number {
    return this.#end - this.start;
  }

  /**
   * The digest of `[start, start + length)` (`length` ≤ what this was made to reach);
   * waits until hashing has passed the last whole piece, then hashes the rest itself.
   */
  async digestOf(length: number): Promise<string> {
    if (this.start + length > this.#end) {
      throw new RangeError(`digest of ${length} bytes asked beyond ${this.#end - this.start}`);
    }
    const whole = Math.floor(length / this.#piece);
    while (this.#checkpoints.length < whole && this.#failure === undefined && !this.#stopped) {
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#checkpoints.length < whole) throw new Error('ForwardDigest stopped');
    this.stop();
    const base = whole === 0 ? undefined : this.#checkpoints[whole - 1];
    const hash = base?.clone() ?? this.#createHash();
    const restStart = this.start + whole * this.#piece;
    const rest = this.start + length - restStart;
    if (rest > 0) {
      // Into a buffer of the pool, as the pieces are (a new one per chunk is garbage).
      const piece = await this.#read(restStart, rest, this.#buffers.take(rest));
      try {
        hash.update(piece);
      } finally {
        this.#buffers.give(piece);
      }
    }
    return hash.digest();
  }

  /** Stops hashing ahead (the size was chosen, or the offset went elsewhere). */
  stop(): void {
    this.#stopped = true;
    this.#wake();
  }

  async #run(): Promise<void> {
    const pool = this.#buffers;
    const buffers: Uint8Array[] = [pool.take(this.#piece), pool.take(this.#piece)];
    let turn = 0;
    let next: Promise<Uint8Array> | undefined;
    try {
      let at = this.start;
      const limit = this.start + Math.floor((this.#end - this.start) / this.#piece) * this.#piece;
      next = at < limit ? this.#read(at, this.#piece, buffers[0]) : undefined;
      while (next !== undefined && !this.#stopped) {
        const piece = await next;
        if (piece.byteLength !== this.#piece) {
          throw new TusInputError(`the input gave ${piece.byteLength} bytes at ${at}`);
        }
        if (this.#stopped) break;
        buffers[turn] = new Uint8Array(piece.buffer);
        at += piece.byteLength;
        turn ^= 1;
        next =
          at < limit && !this.#stopped ? this.#read(at, this.#piece, buffers[turn]) : undefined;
        this.#hash.update(piece);
        this.#hashed += piece.byteLength;
        this.#checkpoints.push(this.#hash.clone());
        this.#wake();
      }
    } catch (error) {
      this.#failure = error;
    } finally {
      this.#stopped = true;
      this.#wake();
      // The buffer a read may still be filling goes back once that read is over (as the
      // view it returns: a BYOB read moves the memory).
      const reading = next;
      const idle = reading === undefined ? buffers : buffers.filter((_, i) => i !== turn);
      for (const buffer of idle) pool.give(buffer);
      reading?.then(
        (piece) => pool.give(piece),
        () => {},
      );
    }
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }
}
