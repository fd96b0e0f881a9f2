/**
 * The S3 store against a real S3 server (Ceph's RADOS Gateway, started once for this file by
 * test/helpers/s3-server.ts): the store contract, then what is S3's own — keys and metadata
 * of a finished upload, parts R2 takes, start-up errors naming the bucket and the S3 code,
 * and no credential in any error.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { LockLease } from '../../../src/server/locker/locker.js';
import { redisLocker } from '../../../src/server/locker/redis-locker.node.js';
import { S3Store, s3Store } from '../../../src/server/s3/s3-store.node.js';
import { isTusStoreError } from '../../../src/server/store/store-errors.js';
import { type RedisFixture, startRedisServer } from '../../helpers/redis-server.js';
import {
  isUploadPart,
  type S3Endpoint,
  type S3FaultProxy,
  startS3FaultProxy,
  startS3Server,
} from '../../helpers/s3-server.js';
import { bodyOf, type StoreHarness, sha256, storeContract } from '../../helpers/store-contract.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB;

let started: Promise<{ server: S3Endpoint; admin: S3Client } | { skip: string }> | undefined;
const proxies: S3FaultProxy[] = [];

/** The cluster, started once for the whole file. */
function cluster(): Promise<{ server: S3Endpoint; admin: S3Client } | { skip: string }> {
  started ??= (async () => {
    const fixture = await startS3Server();
    if (!fixture.ok) return { skip: fixture.skip };
    const { server } = fixture;
    // The store takes credentials from the SDK's standard chain, as in production.
    process.env.AWS_ACCESS_KEY_ID = server.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = server.secretAccessKey;
    process.env.AWS_REGION = server.region;
    const admin = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return { server, admin };
  })();
  return started;
}

let redis: Promise<RedisFixture> | undefined;

after(async () => {
  const redisDone = await redis;
  if (redisDone?.ok === true) await redisDone.server.close();
  for (const proxy of proxies) await proxy.close();
  const done = await started;
  if (done !== undefined && !('skip' in done)) {
    done.admin.destroy();
    await done.server.stop();
  }
});

let buckets = 0;
async function newBucket(admin: S3Client): Promise<string> {
  const bucket = `tus-${process.pid}-${++buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function leftovers(admin: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const objects = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const uploads = await admin.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
  );
  return [
    ...(objects.Contents ?? []).map((item) => item.Key ?? '?'),
    ...(uploads.Uploads ?? []).map((upload) => `multipart:${upload.Key ?? '?'}`),
  ];
}

storeContract('S3 (Ceph RADOS Gateway)', async (): Promise<StoreHarness | { skip: string }> => {
  const ready = await cluster();
  if ('skip' in ready) return ready;
  const bucket = await newBucket(ready.admin);
  const proxy = await startS3FaultProxy(ready.server.endpoint);
  proxies.push(proxy);
  const prefix = 'uploads/';
  const store = s3Store({
    bucket,
    prefix,
    endpoint: proxy.endpoint,
    partSize: PART,
    maxAttempts: 1,
  });
  await store.start();
  return {
    store,
    partSize: PART,
    leftovers: (id) => leftovers(ready.admin, bucket, `${prefix}${id}`),
    finishedLeftovers: (id) => [`${prefix}${id}`, `${prefix}${id}.info`],
    failWrites: (skip, count) => proxy.failNext(isUploadPart, skip, count),
    close: () => store.close(),
  };
});

describe('S3 store on S3', () => {
  const use = async (t: TestContext) => {
    const ready = await cluster();
    if ('skip' in ready) {
      t.skip(ready.skip);
      return undefined;
    }
    return ready;
  };

  it('a finished upload is one object at <prefix><id> with its metadata; its record is JSON beside it', async (t) => {
    const ready = await use(t);
    if (ready === undefined) return;
    const bucket = await newBucket(ready.admin);
    const store = s3Store({
      bucket,
      prefix: 'p/',
      endpoint: ready.server.endpoint,
      partSize: PART,
    });
    try {
      const source = randomBytes(PART + 1000);
      const upload = await store.create({ length: source.length, metadata: 'filename YS50eHQ=' });
      await store.append(upload.id, {
        offset: 0,
        body: bodyOf(source),
        limit: Number.POSITIVE_INFINITY,
        signal: new AbortController().signal,
      });
      const head = await ready.admin.send(
        new HeadObjectCommand({ Bucket: bucket, Key: `p/${upload.id}` }),
      );
      assert.equal(head.ContentLength, source.length);
      assert.deepEqual(head.Metadata, {
        'upload-id': upload.id,
        'upload-metadata': 'filename YS50eHQ=',
      });
      const info = await ready.admin.send(
        new GetObjectCommand({ Bucket: bucket, Key: `p/${upload.id}.info` }),
      );
      const record = JSON.parse(await (info.Body?.transformToString() ?? '')) as {
        upload: { offset: number };
        s3: { finished: boolean; parts: unknown[] };
      };
      assert.equal(record.upload.offset, source.length);
      assert.equal(record.s3.finished, true);
      assert.equal(record.s3.parts.length, 2);
      const body = await ready.admin.send(
        new GetObjectCommand({ Bucket: bucket, Key: `p/${upload.id}` }),
      );
      assert.equal(
        sha256(await (body.Body?.transformToByteArray() ?? new Uint8Array())),
        sha256(source),
      );
    } finally {
      await store.close();
    }
  });

  it('equalParts: every part but the last of one size, whatever the appends', async (t) => {
    const ready = await use(t);
    if (ready === undefined) return;
    const bucket = await newBucket(ready.admin);
    const store = s3Store({
      bucket,
      endpoint: ready.server.endpoint,
      partSize: PART,
      equalParts: true,
      maxUploadSize: 40 * PART,
    });
    try {
      const source = randomBytes(2 * PART + 3 * MiB);
      const upload = await store.create({ length: undefined, metadata: '' });
      let offset = 0;
      for (const size of [3 * MiB, 4 * MiB, PART + 1, source.length - 12 * MiB - 1]) {
        const result = await store.append(upload.id, {
          offset,
          body: bodyOf(source.subarray(offset, offset + size)),
          limit: Number.POSITIVE_INFINITY,
          signal: new AbortController().signal,
        });
        offset = result.upload.offset;
      }
      const info = await ready.admin.send(
        new GetObjectCommand({ Bucket: bucket, Key: `${upload.id}.info` }),
      );
      const record = JSON.parse(await (info.Body?.transformToString() ?? '')) as {
        s3: { multipartId: string };
      };
      const parts = await ready.admin.send(
        new ListPartsCommand({ Bucket: bucket, Key: upload.id, UploadId: record.s3.multipartId }),
      );
      assert.deepEqual(
        (parts.Parts ?? []).map((part) => part.Size),
        [PART, PART],
      );
      await store.update(upload.id, { length: source.length });
      const stored = await ready.admin.send(
        new HeadObjectCommand({ Bucket: bucket, Key: upload.id }),
      );
      assert.equal(stored.ContentLength, source.length);
      await store.remove(upload.id);
      assert.deepEqual(await leftovers(ready.admin, bucket, upload.id), []);
    } finally {
      await store.close();
    }
  });

  it('an append that fills no part writes only its own bytes and reads nothing back; a part reads the waiting pieces once', async (t) => {
    const ready = await use(t);
    if (ready === undefined) return;
    const bucket = await newBucket(ready.admin);
    const proxy = await startS3FaultProxy(ready.server.endpoint);
    proxies.push(proxy);
    const store = s3Store({ bucket, endpoint: proxy.endpoint, partSize: PART });
    try {
      const source = randomBytes(PART + 3 * MiB);
      const upload = await store.create({ length: source.length, metadata: '' });
      const pieces = [MiB, MiB, MiB, MiB, 2 * MiB, 2 * MiB];
      let offset = 0;
      for (const [index, size] of pieces.entries()) {
        const before = proxy.calls.length;
        await store.append(upload.id, {
          offset,
          body: bodyOf(source.subarray(offset, offset + size)),
          limit: Number.POSITIVE_INFINITY,
          signal: new AbortController().signal,
        });
        offset += size;
        const calls = proxy.calls.slice(before);
        const waitingReads = calls.filter((c) => c.method === 'GET' && c.path.includes('.part.'));
        const uploaded = calls.filter((c) => c.method === 'PUT' && !c.path.endsWith('.info'));
        const bytesUp = uploaded.reduce((sum, c) => sum + c.bytes, 0);
        if (index < 4) {
          // 1 MiB into 5 MiB parts: one new piece of its own bytes, nothing read back.
          assert.deepEqual(waitingReads, [], `append ${index}`);
          assert.equal(bytesUp, size, `append ${index}`);
        } else if (index === 4) {
          // The part fills: the four pieces are read once, the part and the rest written.
          assert.equal(waitingReads.length, 4);
          assert.equal(bytesUp, size + 4 * MiB);
        }
      }
      assert.equal(offset, source.length);
      const chunks: Uint8Array[] = [];
      for await (const chunk of await store.read(upload.id)) chunks.push(chunk);
      assert.equal(sha256(Buffer.concat(chunks)), sha256(source));
      await store.remove(upload.id);
      assert.deepEqual(await leftovers(ready.admin, bucket, upload.id), []);
    } finally {
      await store.close();
    }
  });

  it('many small appends: the waiting pieces are joined before they pass 16, and the bytes stay exact', async (t) => {
    const ready = await use(t);
    if (ready === undefined) return;
    const bucket = await newBucket(ready.admin);
    const store = s3Store({ bucket, endpoint: ready.server.endpoint, partSize: PART });
    try {
      const source = randomBytes(40 * 4096 + 17);
      const upload = await store.create({ length: undefined, metadata: '' });
      let offset = 0;
      for (let at = 0; at < source.length; at += 4096) {
        const size = Math.min(4096, source.length - at);
        await store.append(upload.id, {
          offset,
          body: bodyOf(source.subarray(at, at + size)),
          limit: Number.POSITIVE_INFINITY,
          signal: new AbortController().signal,
        });
        offset += size;
        const info = await ready.admin.send(
          new GetObjectCommand({ Bucket: bucket, Key: `${upload.id}.info` }),
        );
        const record = JSON.parse(await (info.Body?.transformToString() ?? '')) as {
          s3: { tails: unknown[] };
        };
        assert.ok(record.s3.tails.length <= 16, `${record.s3.tails.length} pieces`);
      }
      assert.equal((await leftovers(ready.admin, bucket, `${upload.id}.part.`)).length <= 16, true);
      await store.update(upload.id, { length: source.length });
      const chunks: Uint8Array[] = [];
      for await (const chunk of await store.read(upload.id)) chunks.push(chunk);
      assert.equal(sha256(Buffer.concat(chunks)), sha256(source));
      await store.remove(upload.id);
      assert.deepEqual(await leftovers(ready.admin, bucket, upload.id), []);
    } finally {
      await store.close();
    }
  });

  it('start() names the bucket and the S3 code when the bucket does not exist, and shows no credential', async (t) => {
    const ready = await use(t);
    if (ready === undefined) return;
    const store = new S3Store({ bucket: 'no-such-bucket-here', endpoint: ready.server.endpoint });
    const error = await store.start().catch((e: unknown) => e);
    assert.ok(isTusStoreError(error));
    assert.equal(error.operation, 'start');
    assert.match(error.message, /no-such-bucket-here/);
    assert.match(String(error.storeCode), /NoSuchBucket|NotFound/);
    const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    assert.doesNotMatch(shown, new RegExp(ready.server.secretAccessKey));
  });

  it('start() refuses credentials S3 refuses, with the S3 code and without the secret', async (t) => {
    const ready = await use(t);
    if (ready === undefined) return;
    const bucket = await newBucket(ready.admin);
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret-at-all-1234';
    try {
      const store = new S3Store({ bucket, endpoint: ready.server.endpoint });
      const error = await store.start().catch((e: unknown) => e);
      assert.ok(isTusStoreError(error));
      assert.match(error.message, new RegExp(bucket));
      assert.ok(error.storeCode !== undefined);
      const shown = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
      assert.doesNotMatch(shown, /not-the-secret-at-all-1234/);
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = saved;
    }
  });
});

const CHILD = join(import.meta.dirname, '..', '..', 'helpers', 's3-append-child.ts');

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
    redis ??= startRedisServer();
    const fixture = await redis;
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
