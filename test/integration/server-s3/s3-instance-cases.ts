/**
 * Instances of the S3 store that die and take over: a process SIGKILLed mid-append, two
 * instances on one Redis where the newer append wins.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LockLease } from '../../../src/server/locker/locker.js';
import { redisLocker } from '../../../src/server/locker/redis-locker.node.js';
import { s3Store } from '../../../src/server/s3/s3-store.node.js';
import { bodyOf, sha256 } from '../../helpers/store-contract.js';
import { cluster, leftovers, MiB, newBucket, PART, sharedRedis } from './s3-cluster.js';

const CHILD = join(import.meta.dirname, '..', '..', 'helpers', 's3-append-child.ts');

export function describeS3Instances(): void {
  describe('S3 store: instances that die, instances that take over', () => {
    it('an instance SIGKILLed mid-append: the record holds what was committed, another instance completes the upload exactly', async (t) => {
      const ready = await cluster();
      if ('skip' in ready) {
        t.skip(ready.skip);
        return;
      }
      const bucket = await newBucket(ready.admin);
      const store = s3Store({ bucket, endpoint: ready.server.endpoint, partSize: PART });
      const dir = await mkdtemp(join(tmpdir(), 'tus-s3-kill-'));
      try {
        const source = randomBytes(3 * PART + MiB);
        const file = join(dir, 'source');
        await writeFile(file, source);
        const upload = await store.create({ length: source.length, metadata: '' });
        const head = await store.append(upload.id, {
          offset: 0,
          body: bodyOf(source.subarray(0, 2 * MiB)),
          limit: Number.POSITIVE_INFINITY,
          signal: new AbortController().signal,
        });
        // The child sends 2 parts' worth past the committed 2 MiB (so parts are uploaded), then dies.
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            CHILD,
            ready.server.endpoint,
            bucket,
            upload.id,
            String(2 * MiB),
            file,
            String(2 * PART),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (data: Buffer) => {
            if (data.toString().includes('sent')) resolve();
          });
          child.once('exit', (code) =>
            reject(new Error(`the child exited with ${code} before sending`)),
          );
        });
        child.kill('SIGKILL');
        await exited;
        const now = await store.get(upload.id);
        assert.deepEqual(now, head.upload);
        const rest = await store.append(upload.id, {
          offset: now.offset,
          body: bodyOf(source.subarray(now.offset)),
          limit: Number.POSITIVE_INFINITY,
          signal: new AbortController().signal,
        });
        assert.equal(rest.upload.offset, source.length);
        const body = await store.read(upload.id);
        const chunks: Uint8Array[] = [];
        for await (const chunk of body) chunks.push(chunk);
        assert.equal(sha256(Buffer.concat(chunks)), sha256(source));
        await store.remove(upload.id);
        assert.deepEqual(await leftovers(ready.admin, bucket, upload.id), []);
      } finally {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('two instances, one Redis: the newer append wins, the older keeps what it received, no byte doubled or lost', async (t) => {
      const ready = await cluster();
      if ('skip' in ready) {
        t.skip(ready.skip);
        return;
      }
      const fixture = await sharedRedis();
      if (!fixture.ok) {
        t.skip(fixture.skip);
        return;
      }
      const bucket = await newBucket(ready.admin);
      const instances = [0, 1].map(() => ({
        store: s3Store({ bucket, endpoint: ready.server.endpoint, partSize: PART }),
        locker: redisLocker({ url: fixture.server.url, prefix: `two${process.pid}:`, pollMs: 20 }),
      }));
      const [one, two] = instances;
      assert.ok(one !== undefined && two !== undefined);
      try {
        const source = randomBytes(2 * PART + 3 * MiB);
        const upload = await one.store.create({ length: source.length, metadata: '' });
        // Instance one: a client that sends 6 MiB, then goes quiet without closing.
        const held: LockLease = await one.locker.acquire(upload.id, {
          reason: 'superseded',
          waitMs: 5000,
        });
        let sent = (): void => {};
        const sentAll = new Promise<void>((resolve) => {
          sent = resolve;
        });
        const quiet = async function* (): AsyncGenerator<Uint8Array> {
          yield* bodyOf(source.subarray(0, 6 * MiB));
          sent();
          await new Promise(() => {});
        };
        const first = one.store
          .append(upload.id, {
            offset: 0,
            body: quiet(),
            limit: Number.POSITIVE_INFINITY,
            signal: held.signal,
          })
          .finally(() => held.release());
        await sentAll;
        // Instance two: the client's retry. It asks for the upload; one stops and records.
        const lease = await two.locker.acquire(upload.id, { reason: 'superseded', waitMs: 10_000 });
        const older = await first;
        assert.equal(older.ended, false);
        assert.equal(older.kept, 6 * MiB);
        assert.equal(held.signal.reason, 'superseded');
        try {
          const now = await two.store.get(upload.id);
          assert.equal(now?.offset, 6 * MiB);
          const done = await two.store.append(upload.id, {
            offset: 6 * MiB,
            body: bodyOf(source.subarray(6 * MiB)),
            limit: Number.POSITIVE_INFINITY,
            signal: lease.signal,
          });
          assert.equal(done.upload.offset, source.length);
        } finally {
          await lease.release();
        }
        const chunks: Uint8Array[] = [];
        for await (const chunk of await one.store.read(upload.id)) chunks.push(chunk);
        assert.equal(sha256(Buffer.concat(chunks)), sha256(source));
        await one.store.remove(upload.id);
        assert.deepEqual(await leftovers(ready.admin, bucket, upload.id), []);
      } finally {
        for (const instance of instances) {
          await instance.locker.close();
          await instance.store.close();
        }
      }
    });
  });
}
