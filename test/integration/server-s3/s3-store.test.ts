/**
 * The S3 store against a real S3 server (Ceph's RADOS Gateway, started once for this file by
 * test/helpers/s3-server.ts): the store contract, then what is S3's own — keys and metadata
 * of a finished upload, parts R2 takes, start-up errors naming the bucket and the S3 code,
 * and no credential in any error.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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
import { S3Store, s3Store } from '../../../src/server/s3/s3-store.node.js';
import { isTusStoreError } from '../../../src/server/store/store-errors.js';
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

after(async () => {
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
