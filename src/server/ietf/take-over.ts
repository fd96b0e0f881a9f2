/**
 * The draft's concurrency rule: a new request on an upload ends the one still writing to it
 * (the client has given up on that one, its connection just has not said so yet) instead of
 * waiting for it or being refused. The old writer keeps what it received.
 */
import type { ServerContext } from '../server-context.js';
import { refuse, TusServerRequestError } from '../upload-record.js';

/** Rounds of "end the holder, then take the lock" before giving up with a 423. */
const ROUNDS = 5;

/** Ends whoever writes to `id`, then holds its lock. */
export async function takeOver(
  context: ServerContext,
  id: string,
): Promise<{ signal: AbortSignal; release: () => void }> {
  for (let round = 0; round < ROUNDS; round++) {
    await context.locks.interrupt(id);
    try {
      return context.locks.acquire(id);
    } catch (error) {
      // Another request took the lock between our interrupt and our acquire: end it too.
      if (!(error instanceof TusServerRequestError) || error.status !== 423) throw error;
    }
  }
  refuse(423, 'other requests keep taking this upload; retry in a moment', { 'Retry-After': '1' });
}
