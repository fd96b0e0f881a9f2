/**
 * Options of the Redis locker (`redisLocker`): types, defaults and checks in one place. Pure.
 */
import { redactUrl } from '../../errors/redact.js';
import { show } from '../../show.js';
import { count } from '../server-option-checks.js';

export interface RedisLockerOptions {
  /**
   * The Redis server, `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). The
   * password is never shown: messages name the URL without it.
   * @default 'redis://127.0.0.1:6379'
   */
  url?: string | undefined;
  /** Prepended to every key and channel, so that several deployments can share one Redis. @default 'tus:' */
  prefix?: string | undefined;
  /**
   * Ms a lease lasts without renewal: how long the uploads of an instance that vanished
   * (SIGKILL, a lost network) stay locked. Held leases are renewed every third of it.
   * @default 10_000
   */
  leaseMs?: number | undefined;
  /** Ms between two tries of a request waiting for a lease (each asks the holder again to stop). @default 100 */
  pollMs?: number | undefined;
  /** Ms to wait for a connection to Redis before a request is answered 503. @default 2000 */
  connectTimeoutMs?: number | undefined;
}

export interface ResolvedRedisLockerOptions {
  url: string;
  /** `url` without its password, for messages. */
  shownUrl: string;
  prefix: string;
  leaseMs: number;
  pollMs: number;
  connectTimeoutMs: number;
}

const KEYS: { [K in keyof RedisLockerOptions]-?: true } = {
  url: true,
  prefix: true,
  leaseMs: true,
  pollMs: true,
  connectTimeoutMs: true,
};

export function resolveRedisLockerOptions(options: RedisLockerOptions): ResolvedRedisLockerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`redisLocker options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(key in KEYS)) throw new TypeError(`redisLocker has no option ${show(key)}`);
  }
  const url = options.url ?? 'redis://127.0.0.1:6379';
  if (typeof url !== 'string' || !/^rediss?:\/\/[^\s]+$/i.test(url)) {
    throw new TypeError(
      `redisLocker option url must be a redis:// or rediss:// URL, got ${show(url)}`,
    );
  }
  const prefix = options.prefix ?? 'tus:';
  if (typeof prefix !== 'string') {
    throw new TypeError(`redisLocker option prefix must be a string, got ${show(prefix)}`);
  }
  return {
    url,
    shownUrl: redactUrl(url),
    prefix,
    leaseMs: count('leaseMs', options.leaseMs, 10_000, 100),
    pollMs: count('pollMs', options.pollMs, 100, 1),
    connectTimeoutMs: count('connectTimeoutMs', options.connectTimeoutMs, 2000, 1),
  };
}
