/** The buffers a chunk pipeline (chunk-pipeline.ts) reads into. */

/** Buffers kept for reuse: a chunk on the wire, one being prepared, two hashing pieces. */
const POOL_SIZE = 4;
/** Pooled buffers for a Blob's reads above this size come in powers of two. */
const SIZE_CLASS_MIN = 64 * 1024;

/**
 * Buffers reused from chunk to chunk, so that an upload allocates a few buffers, not one
 * per chunk (in a browser the garbage collector lags behind such allocations by tens of
 * MiB). A buffer comes back as the view a read returned: a BYOB read transfers the memory
 * to a new `ArrayBuffer`, which is the one kept.
 */
export class BufferPool {
  readonly #free: Uint8Array[] = [];
  readonly #sizeClasses: boolean;

  /**
   * `sizeClasses`: new buffers are a power of two (from 64 KiB), so that chunks of nearby
   * sizes share them (a Blob's one-shot chunks vary from chunk to chunk).
   */
  constructor(sizeClasses: boolean) {
    this.#sizeClasses = sizeClasses;
  }

  /** A buffer of at least `length` bytes (the smallest free one that fits, or a new one). */
  take(length: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i]!.byteLength;
      if (size >= length && (best < 0 || size < this.#free[best]!.byteLength)) best = i;
    }
    if (best >= 0) return this.#free.splice(best, 1)[0]!;
    const size =
      this.#sizeClasses && length > SIZE_CLASS_MIN ? 2 ** Math.ceil(Math.log2(length)) : length;
    return new Uint8Array(size);
  }

  /**
   * Hands back the memory behind `view` (nothing when it was transferred away). A full
   * pool keeps its largest buffers: were it full of pieces, every larger chunk would be a
   * new buffer, and each one garbage after it (a page's heap grew by ~100 MiB so).
   */
  give(view: Uint8Array | undefined): void {
    if (view === undefined || view.buffer.byteLength === 0) return;
    const buffer = new Uint8Array(view.buffer);
    const free = this.#free;
    if (free.length < POOL_SIZE) {
      free.push(buffer);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < free.length; i++) {
      if (free[i]!.byteLength < free[smallest]!.byteLength) smallest = i;
    }
    if (free[smallest]!.byteLength < buffer.byteLength) free[smallest] = buffer;
  }
}
