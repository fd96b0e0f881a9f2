/**
 * When an uploader calls `onProgress`: at most every `PROGRESS_INTERVAL_MS` while bytes go
 * out, and always at a chunk's end and when a retry is scheduled. Pure but for the clock.
 */
import type { UploadStats } from '../types.js';
import type { StatsTracker } from './stats.js';

/** The least time between two reports made while a chunk is on the wire (about 10/s). */
export const PROGRESS_INTERVAL_MS = 100;

export class ProgressReporter {
  readonly #stats: StatsTracker;
  readonly #onProgress: ((stats: UploadStats) => void) | undefined;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;
  /** Whether `onProgress` was called at least once. */
  reported = false;

  constructor(
    stats: StatsTracker,
    onProgress: ((stats: UploadStats) => void) | undefined,
    now: () => number = () => performance.now(),
  ) {
    this.#stats = stats;
    this.#onProgress = onProgress;
    this.#now = now;
  }

  /** `sent` bytes are out (the chunk in flight): a report if the last is old enough. */
  sending(sent: number): void {
    this.#stats.sending(sent);
    const now = this.#now();
    if (now - this.#last >= PROGRESS_INTERVAL_MS) this.#emit(now);
  }

  /** What was sent but not confirmed does not count any more (a failure): no report by itself. */
  rewind(offset: number): void {
    this.#stats.sending(offset);
  }

  /** A report now (a chunk ended, a retry was scheduled, the upload is where it will stay). */
  now(): void {
    this.#emit(this.#now());
  }

  #emit(now: number): void {
    this.#last = now;
    this.reported = true;
    this.#onProgress?.(this.#stats.snapshot());
  }
}
