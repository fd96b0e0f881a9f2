/**
 * The server's locking seam (DESIGN.md "The server's seams"): one request at a time per
 * upload, and the newer one wins, across every instance that shares a store. Pure types.
 *
 * The rule, whatever the backend: a request that wants an upload asks the holder (and any
 * older waiter) to stop, then waits up to `waitMs` for the lease. The holder's `signal`
 * aborts with the reason; it stops reading, records what it has, and `release()`s. A lease
 * carries a `token` so that only its holder can renew or release it, and expires `leaseMs`
 * after its last renewal, so that an instance that vanished (SIGKILL, a lost network) gives
 * its uploads back on its own.
 *
 * Implementations: `UploadLocks` in one process (today's default, src/server/upload-locks.ts)
 * and `redisLocker` (src/server/locker/redis-locker.node.ts) for several instances.
 */

/** Why a holder is asked to stop (the `reason` of its aborted signal). */
export type StopReason = 'superseded' | 'deleted' | 'expired' | 'closing';

/** Why a held lease's signal aborts: asked to stop, or the lease was lost (not renewed in time). */
export type LeaseEnd = StopReason | 'lost';

export interface LockRequest {
  /** What the holder is told (a PATCH `superseded`, a DELETE `deleted`, the cleanup `expired`). */
  reason: StopReason;
  /** Ms to wait for the holder to let go before giving up with `TusLockError` `busy`. */
  waitMs: number;
}

export interface LockLease {
  readonly uploadId: string;
  /** Unique to this lease: what renews and releases it, and nothing else. */
  readonly token: string;
  /**
   * Aborts, its `reason` a `LeaseEnd`, when a newer request (here or on another instance),
   * a DELETE, the cleanup or shutdown wants the upload, or when the lease was lost.
   */
  readonly signal: AbortSignal;
  /**
   * Extends the lease by the locker's lease time. Lockers renew held leases on their own;
   * this is for a holder that wants to know now. Throws `TusLockError`: `stopped` with
   * `stopReason` `lost` when the lease is no longer this holder's (and aborts `signal`), or
   * `released` after `release()`; `unavailable` when the backend cannot be reached.
   */
  renew(): Promise<void>;
  /** Lets the next request in; calling it again does nothing; never throws. */
  release(): Promise<void>;
}

export interface Locker {
  /**
   * A lease on `uploadId`, after asking the holder and older waiters to stop with
   * `request.reason`. Throws a `TusLockError`: `busy` (the holder kept it past `waitMs`),
   * `superseded` (a newer request came while this one waited), `unavailable` (the
   * backend cannot be reached: never a silent fallback to a per-instance lock).
   */
  acquire(uploadId: string, request: LockRequest): Promise<LockLease>;
  /** Asks every holder on this instance to stop with `closing`, waits for them, lets go of connections. */
  close(): Promise<void>;
}
