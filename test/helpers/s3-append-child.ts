/**
 * A child process that appends the first `BYTES` bytes of `SOURCE` to upload `ID` of an S3
 * store, then says `sent` and stalls (the body never ends) until it is killed: an instance
 * that dies mid-append. Credentials from the environment, as the store takes them.
 * Usage: node --import tsx s3-append-child.ts ENDPOINT BUCKET ID OFFSET SOURCE BYTES
 */
import { readFile } from 'node:fs/promises';
import { s3Store } from '../../src/server/s3/s3-store.node.js';

const [endpoint, bucket, id, offset, source, bytes] = process.argv.slice(2);
const data = (await readFile(source ?? '')).subarray(
  Number(offset),
  Number(offset) + Number(bytes),
);
const store = s3Store({ bucket: bucket ?? '', endpoint, partSize: 5 * 1024 * 1024 });
async function* body(): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += 256 * 1024) yield data.subarray(at, at + 256 * 1024);
  process.stdout.write('sent\n');
  await new Promise(() => {});
}
await store.append(id ?? '', {
  offset: Number(offset),
  body: body(),
  limit: Number.POSITIVE_INFINITY,
  signal: new AbortController().signal,
});
