/**
 * What is S3's own in the S3 store (beyond the store contract): keys and metadata of a finished
 * upload, what an append costs in S3 calls, parts R2 takes, start-up errors naming the bucket
 * and the S3 code, no credential in any error.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { S3Store, s3Store } from '../../../src/server/s3/s3-store.node.js';
import { isTusStoreError } from '../../../src/server/store/store-errors.js';
import { startS3FaultProxy } from '../../helpers/s3-server.js';
import { bodyOf, sha256 } from '../../helpers/store-contract.js';
import { cluster, leftovers, MiB, newBucket, PART, proxies } from './s3-cluster.js';

export function describeS3Own(): void {
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
        assert.equal(
          (await leftovers(ready.admin, bucket, `${upload.id}.part.`)).length <= 16,
          true,
        );
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

    it('a completion whose record could not be saved: the retry finds the object whole and records it', async (t) => {
      const ready = await use(t);
      if (ready === undefined) return;
      const bucket = await newBucket(ready.admin);
      const proxy = await startS3FaultProxy(ready.server.endpoint);
      proxies.push(proxy);
      const store = s3Store({ bucket, endpoint: proxy.endpoint, partSize: PART, maxAttempts: 1 });
      try {
        const source = randomBytes(PART + 2 * MiB);
        const upload = await store.create({ length: source.length, metadata: '' });
        const append = (offset: number) =>
          store.append(upload.id, {
            offset,
            body: bodyOf(source.subarray(offset)),
            limit: Number.POSITIVE_INFINITY,
            signal: new AbortController().signal,
          });
        const head = await store.append(upload.id, {
          offset: 0,
          body: bodyOf(source.subarray(0, PART + MiB)),
          limit: Number.POSITIVE_INFINITY,
          signal: new AbortController().signal,
        });
        // The multipart upload completes, then the save of the record fails.
        proxy.failNext((method, url) => method === 'PUT' && url.pathname.endsWith('.info'), 0, 1);
        const error = await append(head.upload.offset).catch((e: unknown) => e);
        assert.ok(isTusStoreError(error), String(error));
        assert.equal((await store.get(upload.id))?.offset, head.upload.offset);
        const retried = await append(head.upload.offset);
        assert.equal(retried.upload.offset, source.length);
        const chunks: Uint8Array[] = [];
        for await (const chunk of await store.read(upload.id)) chunks.push(chunk);
        assert.equal(sha256(Buffer.concat(chunks)), sha256(source));
        assert.deepEqual(
          (await leftovers(ready.admin, bucket, upload.id)).sort(),
          [upload.id, `${upload.id}.info`].sort(),
        );
        await store.remove(upload.id);
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
}
