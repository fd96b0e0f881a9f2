/**
 * The S3 server (and the Redis) the S3 store's tests share: started once per test process
 * (the S3 tests are one test file, s3-store.test.ts, that runs the cases of this folder), with
 * the helpers the cases use. `stopShared()` ends what was started.
 */
import {
  CreateBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { type RedisFixture, startRedisServer } from '../../helpers/redis-server.js';
import { type S3Endpoint, type S3FaultProxy, startS3Server } from '../../helpers/s3-server.js';

export const MiB = 1024 * 1024;
export const PART = 5 * MiB;

export type Cluster = { server: S3Endpoint; admin: S3Client } | { skip: string };

let started: Promise<Cluster> | undefined;
/** Fault proxies the cases started: closed by `stopShared()`. */
export const proxies: S3FaultProxy[] = [];
let redis: Promise<RedisFixture> | undefined;

/** The S3 server, started once. */
export function cluster(): Promise<Cluster> {
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

/** A Redis, started once (on first use). */
export function sharedRedis(): Promise<RedisFixture> {
  redis ??= startRedisServer();
  return redis;
}

/** Stops what was started. */
export async function stopShared(): Promise<void> {
  const redisDone = await redis;
  if (redisDone?.ok === true) await redisDone.server.close();
  for (const proxy of proxies) await proxy.close();
  const done = await started;
  if (done !== undefined && !('skip' in done)) {
    done.admin.destroy();
    await done.server.stop();
  }
}

let buckets = 0;
export async function newBucket(admin: S3Client): Promise<string> {
  const bucket = `tus-${process.pid}-${++buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function leftovers(
  admin: S3Client,
  bucket: string,
  prefix: string,
): Promise<string[]> {
  const objects = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const uploads = await admin.send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
  );
  return [
    ...(objects.Contents ?? []).map((item) => item.Key ?? '?'),
    ...(uploads.Uploads ?? []).map((upload) => `multipart:${upload.Key ?? '?'}`),
  ];
}
