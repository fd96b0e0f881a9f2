/**
 * The contract every `Locker` keeps (src/server/locker/locker.ts), as one suite a locker's
 * test file runs with its own harness: two lockers stand for two server instances sharing
 * one backend. No timed assertions: orders of events are checked, waits are bounded.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Locker, LockLease } from '../../src/server/locker/locker.js';
import { isTusLockError, type TusLockError } from '../../src/server/store/store-errors.js';

export interface LockerHarness {
  /** A locker of a new "instance" on the shared backend (`leaseMs` short for expiry tests). */
  newLocker(options?: { leaseMs?: number }): Locker;
  /**
   * Takes a lease on `id` in another process, which is then SIGKILLed: a holder that
   * vanished without letting go. Resolves once it is dead.
   */
  vanishingHolder?(id: string, leaseMs: number): Promise<void>;
  /** Stops the backend, then starts it again (for "unreachable" tests). */
  backendDown?(): Promise<void>;
  backendUp?(): Promise<void>;
  /** A locker whose backend cannot be reached at all. */
  unreachableLocker?(): Locker;
  close(): Promise<void>;
}

export type OpenLockerHarness = () => Promise<LockerHarness | { skip: string }>;

const newId = (): string => randomBytes(16).toString('hex');

/** Resolves when `signal` aborts, with its reason. */
function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(signal.reason), { once: true }),
  );
}

async function lockError(promise: Promise<unknown>): Promise<TusLockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isTusLockError(error), `expected a TusLockError, got ${String(error)}`);
  return error;
}

export function lockerContract(name: string, open: OpenLockerHarness): void {
  describe(`Locker contract: ${name}`, () => {
    let opened: LockerHarness | { skip: string } | undefined;
    const lockers: Locker[] = [];
    const use = (t: TestContext): LockerHarness | undefined => {
      if (opened === undefined || 'skip' in opened) {
        t.skip(opened === undefined ? 'not started' : opened.skip);
        return undefined;
      }
      return opened;
    };
    const two = (h: LockerHarness, leaseMs?: number): [Locker, Locker] => {
      const options = leaseMs === undefined ? {} : { leaseMs };
      const pair: [Locker, Locker] = [h.newLocker(options), h.newLocker(options)];
      lockers.push(...pair);
      return pair;
    };
    before(async () => {
      opened = await open();
    });
    after(async () => {
      for (const locker of lockers) await locker.close();
      if (opened !== undefined && !('skip' in opened)) await opened.close();
    });

    it('one holder at a time: the newer request waits until the holder, told to stop, let go', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const [a, b] = two(h);
      const id = newId();
      const first = await a.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      let letGo = false;
      // The holder records what it has once told to stop, then lets go.
      void aborted(first.signal).then(async () => {
        letGo = true;
        await first.release();
      });
      const second = await b.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      assert.equal(letGo, true);
      assert.equal(first.signal.reason, 'superseded');
      assert.notEqual(second.token, first.token);
      assert.equal(second.signal.aborted, false);
      await second.release();
    });

    it('a DELETE tells the holder why', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const [a, b] = two(h);
      const id = newId();
      const held = await a.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      void aborted(held.signal).then(() => held.release());
      const deleting = await b.acquire(id, { reason: 'deleted', waitMs: 10_000 });
      assert.equal(held.signal.reason, 'deleted');
      await deleting.release();
    });

    it('of two waiters the newer wins; the older is told it was superseded', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const [a, b] = two(h);
      const c = h.newLocker();
      lockers.push(c);
      const id = newId();
      const held = await a.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      const older = b.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      const olderError = lockError(older);
      // The holder heard the older request (so its ticket is taken) before the newer one asks.
      await aborted(held.signal);
      const newer = c.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      const error = await olderError;
      assert.equal(error.failure, 'superseded');
      await held.release();
      const lease = await newer;
      assert.equal(lease.signal.aborted, false);
      await lease.release();
    });

    it('a holder that keeps the upload past waitMs leaves the newcomer with busy', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const [a, b] = two(h);
      const id = newId();
      const stubborn = await a.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      const error = await lockError(b.acquire(id, { reason: 'superseded', waitMs: 300 }));
      assert.equal(error.failure, 'busy');
      assert.equal(error.uploadId, id);
      assert.ok(error.retryAfterMs > 0);
      await stubborn.release();
      const next = await b.acquire(id, { reason: 'superseded', waitMs: 10_000 });
      await next.release();
    });

    it('a released lease can no longer be renewed; releasing twice does nothing', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const [a] = two(h);
      const id = newId();
      const lease = await a.acquire(id, { reason: 'superseded', waitMs: 1000 });
      await lease.renew();
      await lease.release();
      await lease.release();
      const error = await lockError(lease.renew());
      assert.equal(error.failure, 'stopped');
      const again = await a.acquire(id, { reason: 'superseded', waitMs: 1000 });
      await again.release();
    });

    it('the lease of a holder that vanished expires, and the upload is served again', async (t) => {
      const h = use(t);
      if (h?.vanishingHolder === undefined) {
        t.skip('this harness has no vanishing holder');
        return;
      }
      const [, b] = two(h, 500);
      const id = newId();
      await h.vanishingHolder(id, 500);
      const lease = await b.acquire(id, { reason: 'superseded', waitMs: 15_000 });
      assert.equal(lease.signal.aborted, false);
      await lease.release();
    });

    it('a backend that cannot be reached is a lock error "unavailable", never a lock of one instance', async (t) => {
      const h = use(t);
      if (
        h?.backendDown === undefined ||
        h.backendUp === undefined ||
        h.unreachableLocker === undefined
      ) {
        t.skip('this harness cannot take its backend down');
        return;
      }
      const never = h.unreachableLocker();
      lockers.push(never);
      const first = await lockError(never.acquire(newId(), { reason: 'superseded', waitMs: 1000 }));
      assert.equal(first.failure, 'unavailable');
      const [a] = two(h);
      const id = newId();
      const held = await a.acquire(id, { reason: 'superseded', waitMs: 1000 });
      await held.release();
      const [short] = two(h, 300);
      const holding = await short.acquire(newId(), { reason: 'superseded', waitMs: 1000 });
      await h.backendDown();
      try {
        const down = await lockError(a.acquire(id, { reason: 'superseded', waitMs: 1000 }));
        assert.equal(down.failure, 'unavailable');
        assert.ok(down.retryAfterMs > 0);
        // A lease that cannot be renewed before it expires is lost: its holder is told.
        assert.equal(await aborted(holding.signal), 'lost');
        await holding.release();
      } finally {
        await h.backendUp();
      }
      // Back: the same locker serves again (bounded tries while it reconnects).
      let lease: LockLease | undefined;
      for (let tries = 0; tries < 50 && lease === undefined; tries++) {
        lease = await a.acquire(id, { reason: 'superseded', waitMs: 1000 }).catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return undefined;
        });
      }
      assert.ok(lease !== undefined);
      await lease.release();
    });
  });
}
