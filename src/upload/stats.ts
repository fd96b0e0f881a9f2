/** Upload statistics: counters, smoothed speed and ETA. */
import type { ChecksumAlgorithm, RetryState, UploadStats } from '../types.js';

/** Time constant of the speed's exponential smoothing, in ms. */
const SMOOTHING_MS = 2000;
/** A pause shorter than this between two reports is normal (no decay of the speed). */
const IDLE_GRACE_MS = 1000;
/** Idle longer than this: the ETA is unknown. */
const ETA_IDLE_MS = 5000;

export class StatsTracker {
  bytesUploaded = 0;
  bytesSent = 0;
  totalBytes: number | undefined;
  startOffset = 0;
  chunksCompleted = 0;
  retries = 0;
  bytesResent = 0;
  chunkSize = 0;
  retry: RetryState | undefined;
  checksumAlgorithm: ChecksumAlgorithm | undefined;
  uploadUrl: string | undefined;
  protocol: UploadStats['protocol'] = 'tus-v1';
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
    this.bytesSent = offset;
    this.#lastBytes = offset;
  }

  /** Bytes sent so far moved to `sent` (a chunk in flight): the speed follows them. */
  sending(sent: number): void {
    this.bytesSent = sent;
    this.#observe(sent);
  }

  /** Records the server's new offset (after a chunk, or a resync). */
  record(offset: number): void {
    this.bytesUploaded = offset;
    this.bytesSent = offset;
    this.#observe(offset);
  }

  #observe(bytes: number): void {
    const now = this.#now();
    const dt = now - this.#lastTime;
    const moved = bytes - this.#lastBytes;
    if (dt > 0 && moved > 0) {
      const instant = (moved / dt) * 1000;
      const weight = this.#speed === 0 ? 1 : 1 - Math.exp(-dt / SMOOTHING_MS);
      this.#speed += weight * (instant - this.#speed);
      this.#lastTime = now;
      this.#lastBytes = bytes;
    } else if (moved < 0) {
      // Back to the confirmed offset after a failure: measure from there.
      this.#lastBytes = bytes;
      this.#lastTime = now;
    }
  }

  snapshot(): UploadStats {
    const now = this.#now();
    const idle = now - this.#lastTime;
    // Nothing moving: the speed decays as if 0 B/s had been measured since (after a grace).
    const speed =
      idle > IDLE_GRACE_MS
        ? this.#speed * Math.exp(-(idle - IDLE_GRACE_MS) / SMOOTHING_MS)
        : this.#speed;
    const total = this.totalBytes;
    const done = this.bytesSent;
    const unknownEta = this.retry !== undefined || idle > ETA_IDLE_MS || !(speed > 0);
    return {
      bytesUploaded: this.bytesUploaded,
      bytesSent: this.bytesSent,
      totalBytes: total,
      startOffset: this.startOffset,
      chunksCompleted: this.chunksCompleted,
      retries: this.retries,
      bytesResent: this.bytesResent,
      elapsedMs: this.#started === undefined ? 0 : now - this.#started,
      bytesPerSecond: speed,
      etaMs:
        total === undefined
          ? undefined
          : total <= this.bytesUploaded
            ? 0
            : unknownEta
              ? undefined
              : (Math.max(0, total - done) / speed) * 1000,
      chunkSize: this.chunkSize,
      retry: this.retry,
      checksumAlgorithm: this.checksumAlgorithm,
      uploadUrl: this.uploadUrl,
      protocol: this.protocol,
    };
  }
}
