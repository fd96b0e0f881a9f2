/**
 * Progress of a parallel upload: the sum over its partials, as one `UploadStats` (its
 * `chunkSize` is the largest chunk of a partial, its `retry` that of a partial waiting).
 */
import type { UploadStats } from '../types.js';

export class ParallelProgress {
  readonly #parts: (UploadStats | undefined)[];
  readonly #totalBytes: number;
  readonly #now: () => number;
  readonly #started: number;
  uploadUrl: string | undefined;

  constructor(parts: number, totalBytes: number, now: () => number = () => performance.now()) {
    this.#parts = new Array<UploadStats | undefined>(parts).fill(undefined);
    this.#totalBytes = totalBytes;
    this.#now = now;
    this.#started = now();
  }

  /** Records the latest snapshot of partial `index`. */
  update(index: number, stats: UploadStats): void {
    if (index < 0 || index >= this.#parts.length) {
      throw new RangeError(`no partial ${index} in a parallel upload of ${this.#parts.length}`);
    }
    this.#parts[index] = stats;
  }

  /** The sum of the partials' latest snapshots. */
  snapshot(): UploadStats {
    let bytesUploaded = 0;
    let bytesSent = 0;
    let chunkSize = 0;
    let retry: UploadStats['retry'];
    let startOffset = 0;
    let chunksCompleted = 0;
    let retries = 0;
    let bytesResent = 0;
    let bytesPerSecond = 0;
    let checksumAlgorithm: UploadStats['checksumAlgorithm'];
    for (const part of this.#parts) {
      if (part === undefined) continue;
      bytesUploaded += part.bytesUploaded;
      bytesSent += part.bytesSent;
      chunkSize = Math.max(chunkSize, part.chunkSize);
      retry ??= part.retry;
      startOffset += part.startOffset;
      chunksCompleted += part.chunksCompleted;
      retries += part.retries;
      bytesResent += part.bytesResent;
      // A finished partial no longer moves: its speed must not count.
      if (part.totalBytes === undefined || part.bytesUploaded < part.totalBytes) {
        bytesPerSecond += part.bytesPerSecond;
      }
      checksumAlgorithm ??= part.checksumAlgorithm;
    }
    const total = this.#totalBytes;
    const left = total - bytesSent;
    return {
      bytesUploaded,
      bytesSent,
      totalBytes: total,
      startOffset,
      chunksCompleted,
      retries,
      bytesResent,
      elapsedMs: this.#now() - this.#started,
      bytesPerSecond,
      etaMs:
        total - bytesUploaded <= 0
          ? 0
          : bytesPerSecond > 0 && retry === undefined
            ? (Math.max(0, left) / bytesPerSecond) * 1000
            : undefined,
      chunkSize,
      retry,
      checksumAlgorithm,
      uploadUrl: this.uploadUrl,
      // Concatenation is tus 1.0's alone.
      protocol: 'tus-v1',
    };
  }
}
