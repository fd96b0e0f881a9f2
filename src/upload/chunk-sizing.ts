/**
 * How big the next chunk is. `FixedChunkSize` is the seed's rule (the size given, always).
 * `AdaptiveChunkSize` (`chunkSize: 'auto'`, the default) follows the link: each chunk costs
 * one round trip besides its bytes, so it grows until that round trip is a small share of
 * the chunk's time, but no further than a few seconds of sending (what a failure would cost
 * to send again), and shrinks after a failure, after a chunk that took too long, and below
 * what the server refused with 413.
 *
 * The model: a chunk of `s` bytes takes `rtt + s / rate`. `rtt` is the shortest recent
 * request without a body (the creation POST, a HEAD, OPTIONS; connection set-up left out
 * where the platform tells it), or less when two chunks of different sizes show it (the
 * line through their times); `rate` comes from each chunk's time less `rtt`. Pure: the
 * uploader measures and reports, this decides; no clock.
 */

/** The first chunk of an adaptive upload (the seed's size). */
export const FIRST_CHUNK = 1024 * 1024;
/** Adaptive chunks are never smaller, unless even this size takes too long to send. */
export const MIN_CHUNK = 1024 * 1024;
/** The smallest adaptive chunk on a very slow link. */
export const SLOW_LINK_CHUNK = 256 * 1024;
/** `maxChunkSize` when not given. */
export const DEFAULT_MAX_CHUNK = 64 * 1024 * 1024;
/** A chunk's round trip should be at most this share of its time. */
export const TARGET_OVERHEAD = 0.02;
/** A chunk should take at most this long to send (ms): the cost of sending it again. */
export const MAX_CHUNK_MS = 4000;
/** At most this factor larger than the chunk before, per step. */
export const MAX_GROWTH = 64;

export interface ChunkSizer {
  /** Whether sizes follow the link (`'auto'`), or are fixed. */
  readonly adaptive: boolean;
  /** The size the next chunk would have with unlimited bytes left. */
  readonly current: number;
  /** The largest chunk this sizer could ask for next. */
  readonly largest: number;
  /** The round trip the sizes reckon with (ms), once measured; a fixed size has none. */
  readonly roundTripMs: number | undefined;
  /** The next chunk's size when `remaining` bytes are left (`Infinity`: unknown). */
  next(remaining: number): number;
  /**
   * What `next(remaining)` will likely be once the chunk of `bytes` now on the wire
   * succeeds in the time the model expects (to prepare that chunk meanwhile); `undefined`
   * when it cannot be foreseen yet (no rate measured).
   */
  expectedNext(bytes: number, remaining: number): number | undefined;
  /** A request without a body took `ms` (a round trip to the server). */
  roundTrip(ms: number): void;
  /** A chunk of `bytes` was sent and answered in `ms` (from the request's start). */
  chunkDone(bytes: number, ms: number): void;
  /** A chunk failed (network error, timeout, 5xx...): send less next time. */
  chunkFailed(): void;
  /**
   * The server refused a chunk of `bytes` with 413. Returns whether a smaller chunk may be
   * tried (a fixed size cannot change: the error is final).
   */
  tooLarge(bytes: number): boolean;
}

export class FixedChunkSize implements ChunkSizer {
  readonly adaptive = false;
  readonly current: number;

  constructor(size: number) {
    this.current = size;
  }

  get largest(): number {
    return this.current;
  }

  get roundTripMs(): undefined {
    return undefined;
  }

  next(remaining: number): number {
    return Math.min(this.current, remaining);
  }

  expectedNext(_bytes: number, remaining: number): number {
    return this.next(remaining);
  }

  roundTrip(_ms: number): void {}
  chunkDone(_bytes: number, _ms: number): void {}
  chunkFailed(): void {}
  tooLarge(_bytes: number): boolean {
    return false;
  }
}

/** Shared by a client's uploaders: the largest chunk each server is sent after a 413. */
export class ServerChunkLimits {
  readonly #limits = new Map<string, number>();

  /** The most bytes a chunk to `server` may have, if it ever answered 413. */
  limitOf(server: string): number | undefined {
    return this.#limits.get(server);
  }

  /** `server` refused a larger chunk: send it at most `bytes` from now on. */
  limit(server: string, bytes: number): void {
    const before = this.#limits.get(server);
    if (before === undefined || bytes < before) this.#limits.set(server, bytes);
  }
}

export interface AdaptiveSettings {
  /** Largest chunk (`maxChunkSize`). @default DEFAULT_MAX_CHUNK */
  max?: number | undefined;
  /** Largest chunk this input can be sent in (a stream's buffer), besides `max`. */
  inputMax?: number | undefined;
  /** The server this upload goes to, and the limits its uploads learned. */
  server?: { key: string; limits: ServerChunkLimits } | undefined;
}

export class AdaptiveChunkSize implements ChunkSizer {
  readonly adaptive = true;
  readonly #max: number;
  readonly #server: AdaptiveSettings['server'];
  #size = FIRST_CHUNK;
  /** Shortest recent round trip, ms. */
  #rtt: number | undefined;
  readonly #roundTrips: number[] = [];
  /** Bytes per ms while sending, smoothed. */
  #rate: number | undefined;
  /** The largest size the server accepted since it last refused one. */
  #accepted = 0;
  /** After a 413: the most bytes a chunk may have (never probed above again). */
  #limit = Number.POSITIVE_INFINITY;
  /** The chunk before (bytes and ms), for the round trip its line with the next shows. */
  #previous: { bytes: number; ms: number } | undefined;

  constructor(settings: AdaptiveSettings = {}) {
    this.#max = Math.max(
      1,
      Math.min(settings.max ?? DEFAULT_MAX_CHUNK, settings.inputMax ?? Number.POSITIVE_INFINITY),
    );
    this.#server = settings.server;
    this.#size = this.#clamp(FIRST_CHUNK);
  }

  get current(): number {
    return this.#size;
  }

  get largest(): number {
    return Math.min(this.#ceiling(), this.#size * MAX_GROWTH * 1.25);
  }

  get roundTripMs(): number | undefined {
    return this.#rtt;
  }

  next(remaining: number): number {
    const size = this.#size;
    // No short last chunk: what is left within a quarter more than the size goes in one.
    if (remaining <= size * 1.25 && remaining <= this.#ceiling()) return remaining;
    return Math.min(size, remaining);
  }

  expectedNext(bytes: number, remaining: number): number | undefined {
    // Before any rate is known the next size cannot be foreseen.
    if (this.#rate === undefined) return undefined;
    const saved = {
      size: this.#size,
      rate: this.#rate,
      accepted: this.#accepted,
      rtt: this.#rtt,
      previous: this.#previous,
    };
    this.chunkDone(bytes, (this.#rtt ?? 0) + bytes / this.#rate);
    const expected = this.next(remaining);
    this.#size = saved.size;
    this.#rate = saved.rate;
    this.#accepted = saved.accepted;
    this.#rtt = saved.rtt;
    this.#previous = saved.previous;
    return expected;
  }

  roundTrip(ms: number): void {
    if (!(ms >= 0)) return;
    this.#roundTrips.push(ms);
    if (this.#roundTrips.length > 5) this.#roundTrips.shift();
    this.#rtt = Math.min(...this.#roundTrips);
  }

  chunkDone(bytes: number, ms: number): void {
    if (bytes <= 0 || !(ms >= 0)) return;
    if (bytes > this.#accepted) this.#accepted = bytes;
    this.#fitRoundTrip(bytes, ms);
    const rtt = this.#rtt ?? 0;
    // At least a tenth of the time is the bytes' own: a noisy round trip cannot make it ~0.
    const sending = Math.max(ms - rtt, ms * 0.1, 0.01);
    const rate = bytes / sending;
    // Quick to believe a slower link, slow to believe a faster one.
    this.#rate =
      this.#rate === undefined || rate < this.#rate ? rate : 0.5 * this.#rate + 0.5 * rate;
    const sendMs = bytes / this.#rate;
    let target: number;
    if (sendMs > 2 * MAX_CHUNK_MS) {
      // Far too long a chunk: down to what fits the time, at once.
      target = (bytes * MAX_CHUNK_MS) / sendMs;
    } else {
      const forOverhead = (rtt * this.#rate * (1 - TARGET_OVERHEAD)) / TARGET_OVERHEAD;
      const forTime = this.#rate * MAX_CHUNK_MS;
      target = Math.min(forOverhead, forTime);
      // Only grow from a chunk as large as the current size (a short last chunk says little).
      if (target > this.#size && bytes < this.#size) target = this.#size;
      target = Math.min(target, this.#size * MAX_GROWTH);
      // Never shrink on a success unless the chunk took too long.
      if (sendMs <= MAX_CHUNK_MS) target = Math.max(target, Math.min(this.#size, bytes));
    }
    this.#size = this.#clamp(target);
  }

  /**
   * Two chunks of clearly different sizes: the time at size 0 of the line through them is
   * the round trip as the chunks see it. A shorter one than measured wins (the creation may
   * have paid a connection's set-up the platform could not tell apart).
   */
  #fitRoundTrip(bytes: number, ms: number): void {
    const before = this.#previous;
    this.#previous = { bytes, ms };
    if (before === undefined || bytes < before.bytes * 2 || !(ms > before.ms)) return;
    const perByte = (ms - before.ms) / (bytes - before.bytes);
    const fitted = before.ms - before.bytes * perByte;
    if (fitted > 0 && (this.#rtt === undefined || fitted < this.#rtt)) this.#rtt = fitted;
  }

  chunkFailed(): void {
    this.#size = this.#clamp(this.#size / 2);
  }

  tooLarge(bytes: number): boolean {
    if (bytes <= 1) return false;
    // A refusal at or below a size taken before: that size says nothing any more.
    if (this.#accepted >= bytes) this.#accepted = 0;
    // Half the refused size, or the largest size taken when that is more: a limit the
    // sizes never go above again, so the server refuses a few times at most (halving).
    const limit = Math.max(this.#accepted, Math.floor(bytes / 2));
    this.#limit = Math.min(this.#limit, limit);
    this.#server?.limits.limit(this.#server.key, this.#limit);
    this.#size = this.#clamp(limit);
    return true;
  }

  /** Sizes stay within what the server takes, and within the bounds. */
  #ceiling(): number {
    const shared = this.#server?.limits.limitOf(this.#server.key) ?? Number.POSITIVE_INFINITY;
    return Math.min(this.#max, shared, this.#limit);
  }

  #clamp(size: number): number {
    const ceiling = this.#ceiling();
    const slow = this.#rate !== undefined && MIN_CHUNK / this.#rate > MAX_CHUNK_MS;
    // A server that refused a size sets the bounds: no floor of ours keeps sizes up.
    const refusedAny = ceiling < this.#max;
    const floor = refusedAny ? 1 : slow ? SLOW_LINK_CHUNK : MIN_CHUNK;
    return Math.max(1, Math.floor(Math.min(ceiling, Math.max(floor, size))));
  }
}
