/**
 * Runs tasks concurrently, all or nothing: the first failure aborts the others, waits
 * until every one of them has settled (so nothing is still sending), then rejects.
 */
import { watchAbort } from '../abort.js';

export interface RunFailure {
  /** Index of the task that failed first. */
  index: number;
  /** What it failed with. */
  error: unknown;
}

/** A reason given to the siblings' signal when one task failed. */
export class SiblingFailed extends Error {
  readonly failure: RunFailure;
  constructor(failure: RunFailure) {
    super(`parallel task ${failure.index + 1} failed`);
    this.name = 'SiblingFailed';
    this.failure = failure;
  }
}

/**
 * Starts every task with a signal that aborts when `signal` does or a sibling fails.
 * Resolves with the results in order; on failure rejects with `onFailure(first)` once all
 * tasks have settled. When `signal` aborted, the first error is the abort itself.
 */
export async function runAllOrStop<T>(
  tasks: readonly ((signal: AbortSignal) => Promise<T>)[],
  signal: AbortSignal | undefined,
  onFailure: (failure: RunFailure) => unknown,
): Promise<T[]> {
  const inner = new AbortController();
  const forward = () => inner.abort(signal?.reason);
  if (signal?.aborted) forward();
  const unwatch = signal === undefined ? undefined : watchAbort(signal, forward);
  let first: RunFailure | undefined;
  try {
    const settled = await Promise.allSettled(
      tasks.map(async (task, index) => {
        try {
          return await task(inner.signal);
        } catch (error) {
          if (first === undefined) {
            first = { index, error };
            if (!inner.signal.aborted) inner.abort(new SiblingFailed(first));
          }
          throw error;
        }
      }),
    );
    if (first !== undefined) throw onFailure(first);
    return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
  } finally {
    unwatch?.();
  }
}
