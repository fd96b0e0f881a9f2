/**
 * The chunk loop's handle on the sizing policy (sizing-policy.ts): it holds the policy's
 * state, feeds it the loop's observations through `step`, and asks `nextSize` — the one
 * place that answers "how big is the next chunk" — with the limits known outside the
 * policy (what 413s taught the client of this server, the server's stated body sizes).
 * `FixedChunkSize` (the seed's rule) and `AdaptiveChunkSize` (`chunkSize: 'auto'`) are the
 * same handle over a fixed or an adaptive state.
 */
import type { AppendLimits } from './protocols/upload-protocol.js';
import {
  canShrink,
  dropCap,
  expectedNext,
  initialState,
  largestNext,
  nextSize,
  type Observation,
  type SizingBounds,
  type SizingState,
  step,
} from './sizing-policy.js';

export {
  DEFAULT_MAX_CHUNK,
  FIRST_CHUNK,
  MAX_CHUNK_MS,
  MAX_GROWTH,
  MIN_CHUNK,
  SLOW_LINK_CHUNK,
  TARGET_OVERHEAD,
} from './sizing-policy.js';

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

export interface SizerSettings {
  /** Largest chunk (`maxChunkSize`). @default DEFAULT_MAX_CHUNK */
  max?: number | undefined;
  /** Largest chunk this input can be sent in (a stream's buffer), besides `max`. */
  inputMax?: number | undefined;
  /** The server this upload goes to, and the limits its uploads learned. */
  server?: { key: string; limits: ServerChunkLimits } | undefined;
  /** Body sizes the server stated for this upload (the draft's `Upload-Limit`), as now known. */
  appendLimits?: (() => AppendLimits | undefined) | undefined;
}

export class ChunkSizer {
  readonly #server: SizerSettings['server'];
  readonly #appendLimits: () => AppendLimits | undefined;
  #state: SizingState;

  constructor(chunkSize: number | 'auto', settings: SizerSettings = {}) {
    this.#server = settings.server;
    this.#appendLimits = settings.appendLimits ?? (() => undefined);
    this.#state = initialState({
      chunkSize,
      max: settings.max,
      inputMax: settings.inputMax,
      serverLimit: this.#serverLimit(),
    });
  }

  /** Whether sizes follow the link (`'auto'`), or are fixed. */
  get adaptive(): boolean {
    return this.#state.fixed === undefined;
  }

  /** The policy's state (a plain record, never changed in place). */
  get state(): SizingState {
    return this.#state;
  }

  /** The size the next chunk would have with unlimited bytes left. */
  get current(): number {
    const state = this.#state;
    if (state.fixed !== undefined) return state.fixed;
    return Math.min(state.size, dropCap(state), this.#serverLimit() ?? Number.POSITIVE_INFINITY);
  }

  /** The largest chunk this sizer could ask for next (to hash ahead for). */
  largest(remaining = Number.POSITIVE_INFINITY): number {
    return largestNext(this.#state, this.#bounds(remaining));
  }

  /** The round trip the sizes reckon with (ms), once measured; a fixed size has none. */
  get roundTripMs(): number | undefined {
    return this.#state.fixed === undefined ? this.#state.rtt : undefined;
  }

  /** The next chunk's size when `remaining` bytes are left (`Infinity`: unknown). */
  next(remaining: number): number {
    return nextSize(this.#state, this.#bounds(remaining));
  }

  /**
   * What `next(remaining)` will likely be once the chunk of `bytes` now on the wire
   * succeeds in the time the model expects (to prepare that chunk meanwhile); `undefined`
   * when it cannot be foreseen yet (no rate measured).
   */
  expectedNext(bytes: number, remaining: number): number | undefined {
    return expectedNext(this.#state, bytes, this.#bounds(remaining));
  }

  /** Feeds the policy one observation. */
  observe(observation: Observation): void {
    this.#state = step(this.#state, observation);
  }

  /** A request without a body took `ms` (a round trip to the server). */
  roundTrip(ms: number): void {
    this.observe({ kind: 'round-trip', ms });
  }

  /** A chunk of `bytes` was sent and answered in `ms` (from the request's start). */
  chunkDone(bytes: number, ms: number): void {
    this.observe({ kind: 'done', bytes, ms });
  }

  /** A chunk failed with an answer (5xx...): send less next time. */
  chunkFailed(): void {
    this.observe({ kind: 'failed' });
  }

  /**
   * The server refused a chunk of `bytes` with 413. Returns whether a smaller chunk may be
   * tried (a fixed size cannot change: the error is final).
   */
  tooLarge(bytes: number): boolean {
    if (!canShrink(this.#state, bytes)) return false;
    this.observe({ kind: 'too-large', bytes });
    this.#server?.limits.limit(this.#server.key, this.#state.limit);
    return true;
  }

  #serverLimit(): number | undefined {
    return this.#server?.limits.limitOf(this.#server.key);
  }

  #bounds(remaining: number): SizingBounds {
    return { remaining, serverLimit: this.#serverLimit(), append: this.#appendLimits() };
  }
}

/** The seed's rule: the size given, always (a 413 is final). */
export class FixedChunkSize extends ChunkSizer {
  constructor(size: number, settings: SizerSettings = {}) {
    super(size, settings);
  }
}

/** `chunkSize: 'auto'`: sizes that follow the link. */
export class AdaptiveChunkSize extends ChunkSizer {
  constructor(settings: SizerSettings = {}) {
    super('auto', settings);
  }
}
