/**
 * `maxBytesPerSecond`: one budget of bytes per second shared by every request body of a
 * transport (so by every upload of one client, parallel partials included). A virtual
 * clock (GCRA, the cell-rate algorithm): each reservation moves the time at which the
 * budget is free again by `bytes / rate`; a caller waits until that time is no more than
 * `burstMs` ahead of now. Over any long run the bytes released never exceed
 * `rate · elapsed + rate · burstMs + one piece`.
 *
 * Pure: the clock is a parameter, nothing here waits by itself.
 */

/** How far ahead of the budget a sender may be, in ms. */
export const RATE_BURST_MS = 50;

export class RateLimiter {
  /** Bytes per ms. */
  readonly #rate: number;
  readonly #burstMs: number;
  readonly #now: () => number;
  /** When (ms, on `now`'s clock) the bytes reserved so far are paid for. */
  #free = Number.NEGATIVE_INFINITY;

  constructor(
    bytesPerSecond: number,
    now: () => number = () => performance.now(),
    burstMs = RATE_BURST_MS,
  ) {
    if (!(bytesPerSecond > 0)) {
      throw new RangeError(`a rate limit must be more than 0 bytes/s, got ${bytesPerSecond}`);
    }
    this.#rate = bytesPerSecond / 1000;
    this.#burstMs = burstMs;
    this.#now = now;
  }

  /** Bytes per second. */
  get bytesPerSecond(): number {
    return this.#rate * 1000;
  }

  /** A piece size that keeps the pacing smooth: about `burstMs` worth, at least 1 KiB. */
  get pieceBytes(): number {
    return Math.max(1024, Math.floor(this.#rate * this.#burstMs));
  }

  /** Reserves `bytes`; resolves to the ms to wait before sending them (0 = now). */
  reserve(bytes: number): number {
    const now = this.#now();
    if (this.#free < now) this.#free = now;
    const wait = Math.max(0, this.#free - now - this.#burstMs);
    this.#free += bytes / this.#rate;
    return wait;
  }
}
