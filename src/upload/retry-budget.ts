/**
 * How many retries an upload has left at its position, by the seed's rules: `maxRetries`
 * per position, counted afresh only once the server holds bytes it never held before (no
 * livelock on a server that keeps losing the same bytes), plus one free resync for a 409
 * at a position. And how long to wait: the first retry after a drop (a connection lost
 * while sending) that followed progress goes at once, as tus-js-client's does; repeated
 * failures without progress back off from `retryDelay` as the seed says. Pure: no clock,
 * no I/O.
 */
import { TusCommunicationError, type TusError } from '../errors/index.js';
import { uploadFailed } from './response-errors.js';

/** What a failure costs: a retry of the budget, or the 409's free resync. */
export interface RetryDecision {
  /** A 409: resync from the server's offset at once (no wait). */
  conflict: boolean;
  /** The retry number (1 for the first) this failure uses; the free resync reports 1. */
  attempt: number;
  /**
   * The step of the back-off to wait (`retryDelayFor`'s attempt): 0 for no wait (the
   * first retry after a drop that followed progress); the next failure waits from step 1.
   */
  waitFor: number;
}

export class RetryBudget {
  readonly #maxRetries: number;
  /** Attempts made at the current position since it last moved. */
  #attempt = 0;
  /** Whether the 409 at this position already had its free resync. */
  #conflictResynced = false;
  /** The highest offset the server ever confirmed. */
  #highWater = 0;
  /** The budget was renewed by progress and no failure has used it yet. */
  #afterProgress = false;
  /** Retries at this position that went without waiting (the back-off starts later). */
  #immediates = 0;
  /** The last retry went without waiting. */
  #lastImmediate = false;

  constructor(maxRetries: number) {
    this.#maxRetries = maxRetries;
  }

  get maxRetries(): number {
    return this.#maxRetries;
  }

  /**
   * Takes a retry for `error` (retryable already), or throws the `TusUploadFailed` that
   * ends the upload. `located`: the upload exists on the server (a 409 can resync).
   */
  take(
    error: TusError,
    at: {
      offset: number;
      uploadUrl: string | undefined;
      located: boolean;
      /** A connection lost while a chunk was on the wire. */
      drop?: boolean;
      /** A connection lost on a request without a body (a pooled socket the drop left dead). */
      lost?: boolean;
    },
  ): RetryDecision {
    const conflict = error instanceof TusCommunicationError && error.status === 409;
    // The seed's 409 rule: one resync at a position even without retries left.
    const free = conflict && !this.#conflictResynced && at.located;
    if (!free && this.#attempt >= this.#maxRetries) {
      throw uploadFailed(
        error,
        this.#maxRetries === 0
          ? 'upload failed (retries are off)'
          : `upload failed after ${this.#attempt + 1} attempts`,
        at.offset,
        at.uploadUrl,
      );
    }
    if (free) this.#conflictResynced = true;
    else this.#attempt++;
    // At once: the first retry after a drop that followed progress, and the resync right
    // after it when its connection is found dead too (the drop took the pooled one).
    const immediate =
      !free &&
      ((at.drop === true && this.#afterProgress && this.#attempt === 1) ||
        (at.lost === true && this.#lastImmediate && this.#attempt === 2));
    this.#afterProgress = false;
    this.#lastImmediate = immediate;
    if (immediate) this.#immediates++;
    const waitFor = immediate ? 0 : Math.max(1, this.#attempt - this.#immediates);
    return { conflict, attempt: Math.max(1, this.#attempt), waitFor };
  }

  /** The server holds `offset` bytes: a new high resets the budget. */
  progressed(offset: number): void {
    if (offset <= this.#highWater) return;
    this.#highWater = offset;
    this.#attempt = 0;
    this.#conflictResynced = false;
    this.#afterProgress = true;
    this.#immediates = 0;
    this.#lastImmediate = false;
  }
}
