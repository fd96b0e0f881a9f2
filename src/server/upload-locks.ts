/**
 * One request at a time per upload, and the newer one wins. A request that wants an upload
 * another request holds asks the holder to stop (the holder's signal aborts), waits until
 * the holder let go (having recorded what it received), then goes on. A holder that does not
 * let go within `waitMs` leaves the newcomer with a 423.
 *
 * This is tusd's rule: a client whose connection died without a FIN (a phone changing
 * networks) gets its upload back at once instead of waiting minutes for a timeout, and a
 * DELETE ends whatever is going on with its upload. Protocol-free: any handler that changes
 * an upload (tus today, another protocol later) takes its lease here.
 */

import { newTurn, type Turn } from './locker/turn.js';
import { TusServerRequestError } from './upload-record.js';

/** Why a holder is asked to stop (the `reason` of its aborted signal). */
export type StopReason = 'superseded' | 'deleted' | 'expired' | 'closing';

export interface Lease {
  /** Aborts, its `reason` a `StopReason`, when a newer request, a DELETE, the cleanup or `close()` wants the upload. */
  readonly signal: AbortSignal;
  /** Lets the next request in; calling it again does nothing. */
  release(): void;
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms)) {
    await promise;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The answer of a request that was itself told to stop before its turn came. */
function stoppedBefore(reason: unknown): TusServerRequestError {
  switch (reason as StopReason) {
    case 'deleted':
      return new TusServerRequestError(404, 'this upload was deleted meanwhile');
    case 'expired':
      return new TusServerRequestError(410, 'this upload expired unfinished and is gone');
    case 'closing':
      return new TusServerRequestError(503, 'the server is shutting down; retry later', {
        'Retry-After': '5',
      });
    default:
      return new TusServerRequestError(
        423,
        'a newer request for this upload took over; ask HEAD where it stands',
        { 'Retry-After': '1' },
      );
  }
}

export class UploadLocks {
  readonly #waitMs: number;
  /** The newest turn of each upload (holding the upload, or waiting for it). */
  readonly #newest = new Map<string, Turn>();

  /** `waitMs`: how long a newcomer waits for the holder to let go before its 423. */
  constructor(waitMs: number) {
    this.#waitMs = waitMs;
  }

  /**
   * The upload `id` for this request: the holder (and any older waiter) is asked to stop
   * with `reason` and waited for. Throws the request's answer when it cannot have it: 423
   * when the holder keeps it past `waitMs`, or when a newer request came meanwhile.
   */
  async take(id: string, reason: StopReason): Promise<Lease> {
    const previous = this.#newest.get(id);
    const turn = newTurn();
    this.#newest.set(id, turn);
    const finish = (): void => {
      if (this.#newest.get(id) === turn) this.#newest.delete(id);
      turn.end();
    };
    if (previous !== undefined) {
      previous.controller.abort(reason);
      if (!(await within(previous.over, this.#waitMs))) {
        // Keep the queue in order: this turn is over only once its predecessor is.
        void previous.over.then(finish);
        throw new TusServerRequestError(
          423,
          'another request still holds this upload and did not let go in time; retry in a moment',
          { 'Retry-After': '1' },
        );
      }
    }
    if (turn.controller.signal.aborted) {
      finish();
      throw stoppedBefore(turn.controller.signal.reason);
    }
    let released = false;
    return {
      signal: turn.controller.signal,
      release: () => {
        if (released) return;
        released = true;
        finish();
      },
    };
  }

  /** Asks every holder to stop with `reason` and waits until all have let go. */
  async stopAll(reason: StopReason): Promise<void> {
    const turns = [...this.#newest.values()];
    for (const turn of turns) turn.controller.abort(reason);
    await Promise.all(turns.map((turn) => turn.over));
  }

  /** How many uploads are held or waited for. */
  get size(): number {
    return this.#newest.size;
  }
}
