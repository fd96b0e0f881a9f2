/**
 * The S3 store against a real S3 server (Ceph's RADOS Gateway, started once for this file by
 * s3-cluster.ts): the store contract (test/helpers/store-contract.ts), S3's own cases
 * (s3-own-cases.ts) and instances that die and take over (s3-instance-cases.ts). One test
 * file, so that one cluster serves them all.
 */
import { after } from 'node:test';
import { s3Store } from '../../../src/server/s3/s3-store.node.js';
import { isUploadPart, startS3FaultProxy } from '../../helpers/s3-server.js';
import { type StoreHarness, storeContract } from '../../helpers/store-contract.js';
import { cluster, leftovers, newBucket, PART, proxies, stopShared } from './s3-cluster.js';
import { describeS3Instances } from './s3-instance-cases.js';
import { describeS3Own } from './s3-own-cases.js';

after(stopShared);

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

describeS3Own();
describeS3Instances();
