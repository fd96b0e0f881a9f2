/**
 * `redisLocker`: leases on uploads shared by every server instance that uses one Redis, on
 * ioredis (an optional peer dependency, loaded when the locker first connects).
 *
 * In Redis, for upload `id` (keys under `prefix`):
 * - `<prefix>lock:<id>` = the holder's token, expiring `leaseMs` after its last renewal
 *   (`SET NX PX`; renewed and deleted only by a script that checks the token);
 * - `<prefix>ticket:<id>`: a counter (`INCR`) that orders requests: a higher ticket is newer;
 *   it expires a day after the last request or renewal for the upload;
 * - channel `<prefix>stop`: `{ id, ticket, reason }` published by a request that wants the
 *   upload, again every `pollMs` while it waits (a lost message is sent again). Every
 *   instance listens: a holder or waiter with a lower ticket for that id stops;
 * - channel `<prefix>released`: the id of a lease just let go, so a waiter tries at once.
 *
 * Redis unreachable: `acquire` throws `TusLockError` `unavailable` (the server answers 503
 * with `Retry-After`), never a lock of this instance alone; a held lease that cannot be
 * renewed before it expires aborts its signal with `lost`.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TusLockError } from '../store/store-errors.js';
import type { LeaseEnd, Locker, LockLease, LockRequest, StopReason } from './locker.js';
import { type RedisLockerOptions, resolveRedisLockerOptions } from './redis-locker-options.js';

export type { RedisLockerOptions } from './redis-locker-options.js';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('pexpire', KEYS[2], ARGV[3]) return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** A ticket counter lives a day past the last request or renewal of its upload. */
const TICKET_TTL_MS = 24 * 60 * 60 * 1000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A lease held here, or a request waiting here for one. */
interface Turn {
  readonly id: string;
  readonly ticket: number;
  readonly controller: AbortController;
}

interface StopMessage {
  id: string;
  ticket: number;
  reason: StopReason;
}

function parseStop(text: string): StopMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<StopMessage>;
    if (typeof value.id === 'string' && typeof value.ticket === 'number') {
      return { id: value.id, ticket: value.ticket, reason: value.reason ?? 'superseded' };
    }
  } catch {}
  return undefined;
}

export class RedisLocker implements Locker {
  readonly #options: ReturnType<typeof resolveRedisLockerOptions>;
  #connections: Promise<{ commands: Redis; events: Redis }> | undefined;
  /** Turns of this instance by upload id: held leases and waiting requests. */
  readonly #turns = new Map<string, Set<Turn>>();
  /** Wakes the waiters of an id (a release was heard). */
  readonly #wakers = new Map<string, Set<() => void>>();
  readonly #held = new Set<Promise<void>>();
  #closed = false;

  constructor(options: RedisLockerOptions = {}) {
    this.#options = resolveRedisLockerOptions(options);
  }

  async acquire(uploadId: string, request: LockRequest): Promise<LockLease> {
    const { commands } = await this.#ready(uploadId);
    const { prefix, leaseMs, pollMs } = this.#options;
    const key = `${prefix}lock:${uploadId}`;
    const token = randomBytes(16).toString('hex');
    const ticketKey = `${prefix}ticket:${uploadId}`;
    const ticket = await this.#call(uploadId, async () => {
      const [counted] =
        (await commands.multi().incr(ticketKey).pexpire(ticketKey, TICKET_TTL_MS).exec()) ?? [];
      if (counted === undefined || counted[0] !== null)
        throw counted?.[0] ?? new Error('no ticket');
      return Number(counted[1]);
    });
    const turn: Turn = { id: uploadId, ticket, controller: new AbortController() };
    this.#add(turn);
    const deadline = Date.now() + request.waitMs;
    const stop = JSON.stringify({ id: uploadId, ticket, reason: request.reason });
    try {
      for (;;) {
        if (turn.controller.signal.aborted) throw this.#stoppedBefore(uploadId, turn);
        const taken = await this.#call(uploadId, () =>
          commands.set(key, token, 'PX', leaseMs, 'NX'),
        );
        if (taken === 'OK') break;
        await this.#call(uploadId, () => commands.publish(`${prefix}stop`, stop));
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new TusLockError(
            `another request still holds upload ${uploadId} and did not let go in time`,
            { failure: 'busy', uploadId, retryAfterMs: 1000 },
          );
        }
        await this.#sleep(uploadId, Math.min(pollMs, left), turn.controller.signal);
      }
    } catch (error) {
      this.#remove(turn);
      throw error;
    }
    if (turn.controller.signal.aborted) {
      // A newer request came between the last check and the SET: it is its turn.
      await commands.eval(RELEASE, 1, key, token).catch(() => {});
      this.#remove(turn);
      throw this.#stoppedBefore(uploadId, turn);
    }
    return this.#lease(turn, [key, ticketKey], token, commands);
  }

  #lease(
    turn: Turn,
    [key, ticketKey]: [string, string],
    token: string,
    commands: Redis,
  ): LockLease {
    const { prefix, leaseMs } = this.#options;
    let renewedAt = Date.now();
    let released = false;
    let done = (): void => {};
    const over = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.#held.add(over);
    const lose = (): void => {
      if (!turn.controller.signal.aborted) turn.controller.abort('lost' satisfies LeaseEnd);
    };
    const renew = async (): Promise<void> => {
      if (released) {
        throw new TusLockError(`the lease on upload ${turn.id} was released`, {
          failure: 'stopped',
          uploadId: turn.id,
          stopReason: 'released',
        });
      }
      let answer: unknown;
      try {
        answer = await commands.eval(
          RENEW,
          2,
          key,
          ticketKey,
          token,
          String(leaseMs),
          String(TICKET_TTL_MS),
        );
      } catch (error) {
        if (Date.now() - renewedAt >= leaseMs) lose();
        throw new TusLockError(`the lease on upload ${turn.id} could not be renewed`, {
          failure: 'unavailable',
          uploadId: turn.id,
          cause: error,
        });
      }
      if (answer !== 1) {
        lose();
        throw new TusLockError(`the lease on upload ${turn.id} was lost`, {
          failure: 'stopped',
          uploadId: turn.id,
          stopReason: 'lost',
        });
      }
      renewedAt = Date.now();
    };
    const timer = setInterval(
      () => {
        renew().catch(() => {});
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    return {
      uploadId: turn.id,
      token,
      signal: turn.controller.signal,
      renew,
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        this.#remove(turn);
        try {
          await commands.eval(RELEASE, 1, key, token);
          await commands.publish(`${prefix}released`, turn.id);
        } catch {
          // Unreachable Redis: the lease expires on its own after leaseMs.
        } finally {
          this.#held.delete(over);
          done();
        }
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const turns of this.#turns.values()) {
      for (const turn of turns) turn.controller.abort('closing' satisfies StopReason);
    }
    await Promise.all([...this.#held]);
    const connections = this.#connections;
    this.#connections = undefined;
    if (connections === undefined) return;
    const { commands, events } = await connections.catch(() => ({
      commands: undefined,
      events: undefined,
    }));
    commands?.disconnect();
    events?.disconnect();
  }

  /** Both connections, ready; `unavailable` when Redis cannot be reached within `connectTimeoutMs`. */
  async #ready(uploadId: string): Promise<{ commands: Redis; events: Redis }> {
    if (this.#closed) {
      throw new TusLockError('the locker is closed', {
        failure: 'stopped',
        uploadId,
        stopReason: 'closing',
      });
    }
    this.#connections ??= this.#connect();
    const connections = await this.#connections;
    const { commands, events } = connections;
    if (commands.status !== 'ready' || events.status !== 'ready') {
      const ready = (redis: Redis): Promise<void> =>
        redis.status === 'ready'
          ? Promise.resolve()
          : new Promise((resolve) => redis.once('ready', () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), this.#options.connectTimeoutMs);
      });
      const outcome = await Promise.race([Promise.all([ready(commands), ready(events)]), late]);
      clearTimeout(timer);
      if (outcome === 'late') throw this.#unavailable(uploadId, undefined);
    }
    return connections;
  }

  async #connect(): Promise<{ commands: Redis; events: Redis }> {
    let Client: typeof Redis;
    try {
      Client = (await import('ioredis')).Redis;
    } catch (error) {
      this.#connections = undefined;
      throw new TusLockError('the Redis locker needs the package ioredis: npm install ioredis', {
        failure: 'unavailable',
        uploadId: '',
        cause: error,
      });
    }
    const { url, connectTimeoutMs, prefix } = this.#options;
    const settings = {
      connectTimeout: connectTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    };
    const commands = new Client(url, settings);
    const events = new Client(url, { ...settings, enableOfflineQueue: true });
    // Errors are answered where a command fails; the events only say the connection dropped.
    commands.on('error', () => {});
    events.on('error', () => {});
    events.on('message', (channel: string, message: string) => {
      if (channel === `${prefix}stop`) this.#heardStop(message);
      else if (channel === `${prefix}released`) this.#wake(message);
    });
    void events.subscribe(`${prefix}stop`, `${prefix}released`).catch(() => {});
    return { commands, events };
  }

  #heardStop(text: string): void {
    const stop = parseStop(text);
    if (stop === undefined) return;
    for (const turn of this.#turns.get(stop.id) ?? []) {
      if (turn.ticket < stop.ticket && !turn.controller.signal.aborted) {
        turn.controller.abort(stop.reason);
      }
    }
  }

  #wake(id: string): void {
    for (const wake of this.#wakers.get(id) ?? []) wake();
  }

  /** Waits `ms`, or less when a release of `id` is heard or `signal` aborts. */
  async #sleep(id: string, ms: number, signal: AbortSignal): Promise<void> {
    let wake = (): void => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const wakers = this.#wakers.get(id) ?? new Set();
    wakers.add(wake);
    this.#wakers.set(id, wakers);
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake, { once: true });
    try {
      await woken;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      wakers.delete(wake);
      if (wakers.size === 0) this.#wakers.delete(id);
    }
  }

  async #call<T>(uploadId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#unavailable(uploadId, error);
    }
  }

  #unavailable(uploadId: string, cause: unknown): TusLockError {
    return new TusLockError(
      `the Redis locker cannot reach Redis at ${this.#options.shownUrl}; retry later`,
      { failure: 'unavailable', uploadId, retryAfterMs: 5000, cause },
    );
  }

  #stoppedBefore(uploadId: string, turn: Turn): TusLockError {
    const reason = String(turn.controller.signal.reason);
    return reason === 'superseded'
      ? new TusLockError(`a newer request for upload ${uploadId} took over`, {
          failure: 'superseded',
          uploadId,
        })
      : new TusLockError(`the request for upload ${uploadId} was told to stop (${reason})`, {
          failure: 'stopped',
          uploadId,
          stopReason: reason,
        });
  }

  #add(turn: Turn): void {
    const turns = this.#turns.get(turn.id) ?? new Set();
    turns.add(turn);
    this.#turns.set(turn.id, turns);
  }

  #remove(turn: Turn): void {
    const turns = this.#turns.get(turn.id);
    turns?.delete(turn);
    if (turns?.size === 0) this.#turns.delete(turn.id);
  }
}

/**
 * A `Locker` on Redis for several server instances.
 * @example
 * const locker = redisLocker({ url: 'redis://10.0.0.5:6379' });
 */
export function redisLocker(options: RedisLockerOptions = {}): RedisLocker {
  return new RedisLocker(options);
}
