/**
 * The Redis locker against a real `redis-server` (started for this file by
 * test/helpers/redis-server.ts): the locker contract with two lockers standing for two
 * instances, a holder in a process that is SIGKILLed, and Redis stopped and started again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { redisLocker } from '../../../src/server/locker/redis-locker.node.js';
import { lockerContract } from '../../helpers/locker-contract.js';
import { startRedisServer } from '../../helpers/redis-server.js';

const HOLDER = join(import.meta.dirname, '..', '..', 'helpers', 'redis-lock-holder.ts');

lockerContract('Redis', async () => {
  const fixture = await startRedisServer();
  if (!fixture.ok) return { skip: fixture.skip };
  const { server } = fixture;
  const prefix = `t${process.pid}:`;
  return {
    newLocker: (options = {}) =>
      redisLocker({ url: server.url, prefix, pollMs: 20, connectTimeoutMs: 500, ...options }),
    unreachableLocker: () =>
      redisLocker({ url: 'redis://127.0.0.1:1', prefix, connectTimeoutMs: 300 }),
    async vanishingHolder(id, leaseMs) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', HOLDER, server.url, id, String(leaseMs)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env },
        },
      );
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => {
          if (data.toString().includes('held')) resolve();
        });
        child.once('exit', (code) =>
          reject(new Error(`the holder exited with ${code} before holding`)),
        );
      });
      child.kill('SIGKILL');
      await exited;
    },
    backendDown: () => server.stop(),
    backendUp: () => server.start(),
    close: () => server.close(),
  };
});

describe('redisLocker keys', () => {
  it('leaves nothing in Redis forever: the lock goes at release, the ticket counter expires', async (t) => {
    const fixture = await startRedisServer();
    if (!fixture.ok) {
      t.skip(fixture.skip);
      return;
    }
    const locker = redisLocker({ url: fixture.server.url, prefix: 'k:' });
    const client = new Redis(fixture.server.url);
    try {
      const id = 'c'.repeat(32);
      const lease = await locker.acquire(id, { reason: 'superseded', waitMs: 1000 });
      assert.ok((await client.pttl(`k:lock:${id}`)) > 0);
      await lease.renew();
      await lease.release();
      assert.equal(await client.exists(`k:lock:${id}`), 0);
      const ttl = await client.pttl(`k:ticket:${id}`);
      assert.ok(ttl > 0, `ticket TTL ${ttl}`);
    } finally {
      client.disconnect();
      await locker.close();
      await fixture.server.close();
    }
  });
});

describe('redisLocker options', () => {
  it('refuses unknown options and non-Redis URLs at once, without showing a password', () => {
    assert.throws(
      () => redisLocker({ url: 'http://u:hunter2@h' }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
    assert.throws(() => redisLocker({ leaseMs: 5 }), RangeError);
    assert.throws(() => redisLocker({ lease: 5 } as never), TypeError);
  });

  it('an unreachable Redis is named without its password', async () => {
    const locker = redisLocker({ url: 'redis://user:hunter2@127.0.0.1:1', connectTimeoutMs: 200 });
    try {
      const error = await locker
        .acquire('a'.repeat(32), { reason: 'superseded', waitMs: 100 })
        .catch((e: unknown) => e);
      assert.ok(error instanceof Error);
      assert.match(error.message, /127\.0\.0\.1:1/);
      assert.doesNotMatch(
        `${error.message} ${String(error.stack)} ${JSON.stringify(error)}`,
        /hunter2/,
      );
    } finally {
      await locker.close();
    }
  });
});
