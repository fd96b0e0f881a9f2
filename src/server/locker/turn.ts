/**
 * One request's turn at an upload, shared by the server's lock table (`upload-locks.ts`)
 * and `memoryLocker`: the controller that tells it to stop, and a promise that settles once
 * the turn is over.
 */

export interface Turn {
  readonly controller: AbortController;
  /** Resolves once this turn is over: released, or given up and its predecessor over. */
  readonly over: Promise<void>;
  readonly end: () => void;
}

export function newTurn(): Turn {
  let end = (): void => {};
  const over = new Promise<void>((resolve) => {
    end = resolve;
  });
  return { controller: new AbortController(), over, end };
}
