/** Upload statistics: counters, smoothed speed and ETA. */
import type { ChecksumAlgorithm, UploadStats } from '../types.js';

/** Time constant of the speed's exponential smoothing, in ms. */
const SMOOTHING_MS = 2000;

export class StatsTracker {
  bytesUploaded = 0;
  totalBytes: number | undefined;
  startOffset = 0;
  chunksCompleted = 0;
  retries = 0;
  bytesResent = 0;
  checksumAlgorithm: ChecksumAlgorithm | undefined;
  uploadUrl: string | undefined;
  #started: number | undefined;
  #lastTime = 0;
  #lastBytes = 0;
  #speed = 0;
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Starts the clock with the server's offset. */
  start(offset: number): void {
    this.#started = this.#now();
    this.#lastTime = this.#started;
    this.startOffset = offset;
    this.bytesUploaded = offset;
    this.#lastBytes = offset;
  }

  /** Records the server's new offset after a chunk. */
  record(offset: number): void {
    const now = this.#now();
    const dt = now - this.#lastTime;
    const moved = offset - this.#lastBytes;
    if (dt > 0 && moved > 0) {
      const instant = (moved / dt) * 1000;
      const weight = this.#speed === 0 ? 1 : 1 - Math.exp(-dt / SMOOTHING_MS);
      this.#speed += weight * (instant - this.#speed);
      this.#lastTime = now;
      this.#lastBytes = offset;
    } else if (moved < 0) {
      this.#lastBytes = offset;
      this.#lastTime = now;
    }
    this.bytesUploaded = offset;
  }

  snapshot(): UploadStats {
    const speed = this.#speed;
    const total = this.totalBytes;
    return {
      bytesUploaded: this.bytesUploaded,
      totalBytes: total,
      startOffset: this.startOffset,
      chunksCompleted: this.chunksCompleted,
      retries: this.retries,
      bytesResent: this.bytesResent,
      elapsedMs: this.#started === undefined ? 0 : this.#now() - this.#started,
      bytesPerSecond: speed,
      etaMs:
        total === undefined
          ? undefined
          : total <= this.bytesUploaded
            ? 0
            : speed > 0
              ? ((total - this.bytesUploaded) / speed) * 1000
              : undefined,
      checksumAlgorithm: this.checksumAlgorithm,
      uploadUrl: this.uploadUrl,
    };
  }
}
