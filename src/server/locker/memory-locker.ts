/**
 * `memoryLocker`: the `Locker` of one process (the server's rule of `upload-locks.ts`, behind
 * the locker seam): a request that wants an upload asks the holder and any older waiter to
 * stop, then waits up to `waitMs` for the holder to let go. Turns stay in order: a waiter
 * that gives up is over only once its predecessor is. Leases live as long as the process, so
 * `renew()` only checks the lease is still held. Only for a single instance: several
 * instances sharing a store need a shared locker (`redisLocker`).
 */
import { randomBytes } from 'node:crypto';
import { TusLockError } from '../store/store-errors.js';
import type { Locker, LockLease, LockRequest, StopReason } from './locker.js';
import { newTurn, type Turn } from './turn.js';

/** Which comes first: the holder let go, `ms` passed, or this turn was told to stop. */
async function waitFor(
  previous: Turn,
  own: AbortSignal,
  ms: number,
): Promise<'over' | 'late' | 'stopped'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => {};
  const racers: Promise<'over' | 'late' | 'stopped'>[] = [
    previous.over.then(() => 'over' as const),
    new Promise((resolve) => {
      onAbort = () => resolve('stopped');
      own.addEventListener('abort', onAbort, { once: true });
    }),
  ];
  if (Number.isFinite(ms))
    racers.push(new Promise((resolve) => (timer = setTimeout(() => resolve('late'), ms))));
  try {
    return await Promise.race(racers);
  } finally {
    clearTimeout(timer);
    own.removeEventListener('abort', onAbort);
  }
}

function stoppedBefore(uploadId: string, reason: unknown): TusLockError {
  return reason === 'superseded'
    ? new TusLockError(`a newer request for upload ${uploadId} took over`, {
        failure: 'superseded',
        uploadId,
      })
    : new TusLockError(`the request for upload ${uploadId} was told to stop (${String(reason)})`, {
        failure: 'stopped',
        uploadId,
        stopReason: String(reason),
      });
}

export class MemoryLocker implements Locker {
  /** The newest turn of each upload (holding it, or waiting for it). */
  readonly #newest = new Map<string, Turn>();

  async acquire(uploadId: string, request: LockRequest): Promise<LockLease> {
    const previous = this.#newest.get(uploadId);
    const turn = newTurn();
    this.#newest.set(uploadId, turn);
    const finish = (): void => {
      if (this.#newest.get(uploadId) === turn) this.#newest.delete(uploadId);
      turn.end();
    };
    const { signal } = turn.controller;
    if (previous !== undefined) {
      previous.controller.abort(request.reason satisfies StopReason);
      const outcome = await waitFor(previous, signal, request.waitMs);
      if (outcome !== 'over') {
        void previous.over.then(finish);
        if (outcome === 'stopped') throw stoppedBefore(uploadId, signal.reason);
        throw new TusLockError(
          `another request still holds upload ${uploadId} and did not let go in time`,
          { failure: 'busy', uploadId, retryAfterMs: 1000 },
        );
      }
    }
    if (signal.aborted) {
      finish();
      throw stoppedBefore(uploadId, signal.reason);
    }
    let released = false;
    return {
      uploadId,
      token: randomBytes(16).toString('hex'),
      signal,
      renew: async () => {
        if (released) {
          throw new TusLockError(`the lease on upload ${uploadId} was released`, {
            failure: 'stopped',
            uploadId,
            stopReason: 'released',
          });
        }
      },
      release: async () => {
        if (released) return;
        released = true;
        finish();
      },
    };
  }

  /** Asks every holder and waiter to stop with `closing` and waits until all let go. */
  async close(): Promise<void> {
    const turns = [...this.#newest.values()];
    for (const turn of turns) turn.controller.abort('closing' satisfies StopReason);
    await Promise.all(turns.map((turn) => turn.over));
  }
}

/** The `Locker` of one process (the default). */
export function memoryLocker(): MemoryLocker {
  return new MemoryLocker();
}
