/**
 * A child process that takes a lease on an upload through the Redis locker, says `held`, and
 * waits to be killed: an instance that vanishes without letting go.
 * Usage: node --import tsx redis-lock-holder.ts REDIS_URL UPLOAD_ID LEASE_MS
 */
import { redisLocker } from '../../src/server/locker/redis-locker.node.js';

const [url, id, leaseMs] = process.argv.slice(2);
const locker = redisLocker({ url, leaseMs: Number(leaseMs) });
await locker.acquire(id ?? '', { reason: 'superseded', waitMs: 10_000 });
process.stdout.write('held\n');
setInterval(() => {}, 60_000);
