/** uploadDataDuringCreation (creation-with-upload) over a scripted transport. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TusClientOptions } from '../../../src/options.js';
import type { UploadStats } from '../../../src/types.js';
import { FakeTransport, fakeClient } from '../../helpers/fake-transport.js';
import { type ConcatTusConfig, concatTus } from './parallel-memory-tus.js';

const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 17 + 3) % 256);
const WITH_UPLOAD = ['creation', 'creation-with-upload', 'creation-defer-length', 'checksum'];

function setup(config: ConcatTusConfig = {}, options: TusClientOptions = {}) {
  const tus = concatTus({ extensions: WITH_UPLOAD, checksums: ['sha1'], ...config });
  const transport = new FakeTransport(tus.handler);
  const client = fakeClient(transport, {
    chunkSize: 300,
    retryDelay: 1,
    uploadDataDuringCreation: true,
    ...options,
  });
  const requests = () => transport.requests.filter((r) => r.method !== 'OPTIONS');
  return { tus, transport, client, requests };
}

/** `METHOD offset+length` of each upload request. */
function shape(requests: ReturnType<ReturnType<typeof setup>['requests']>): string[] {
  return requests.map(
    (r) => `${r.method} ${r.headers['Upload-Offset'] ?? '-'}+${r.body?.byteLength ?? 0}`,
  );
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([Uint8Array.from(bytes)]).stream();
}

describe('uploadDataDuringCreation over a fake transport', () => {
  it('the POST carries the first chunk with its checksum; one PATCH less', async () => {
    const { tus, client, requests } = setup();
    const seen: UploadStats[] = [];
    const url = await client.uploadFile({ input: data, onProgress: (s) => seen.push(s) });
    assert.deepEqual(tus.bytes(url), data);
    assert.deepEqual(shape(requests()), [
      'POST -+300',
      'PATCH 300+300',
      'PATCH 600+300',
      'PATCH 900+100',
    ]);
    const post = requests()[0];
    assert.equal(post?.headers['Content-Type'], 'application/offset+octet-stream');
    assert.match(post?.headers['Upload-Checksum'] ?? '', /^sha1 /);
    assert.equal(post?.headers['Upload-Length'], '1000');
    assert.deepEqual(
      seen.map((s) => [s.bytesUploaded, s.chunksCompleted]),
      [
        [300, 1],
        [600, 2],
        [900, 3],
        [1000, 4],
      ],
    );
    assert.equal(seen[0]?.startOffset, 0);
  });

  it('an input smaller than a chunk is one POST; createUploader reports it as its first chunk', async () => {
    const { tus, client, requests } = setup();
    const small = data.subarray(0, 200);
    const uploader = client.createUploader({ input: small });
    assert.equal(await uploader.uploadChunk(), false);
    assert.equal(uploader.isComplete, true);
    assert.equal(uploader.stats.chunksCompleted, 1);
    await uploader.close();
    assert.deepEqual(tus.bytes(uploader.url!), small);
    assert.deepEqual(shape(requests()), ['POST -+200']);
  });

  it('a server without creation-with-upload, or the option off: a POST without body', async () => {
    const cases: [ConcatTusConfig, TusClientOptions][] = [
      [{ extensions: ['creation', 'checksum'] }, {}],
      [{}, { uploadDataDuringCreation: false }],
    ];
    for (const [config, options] of cases) {
      const { tus, client, requests } = setup(config, options);
      const url = await client.uploadFile({ input: data });
      assert.deepEqual(tus.bytes(url), data);
      assert.equal(shape(requests())[0], 'POST -+0');
      assert.equal(requests()[0]?.headers['Content-Type'], undefined);
    }
  });

  it('a short stream of unknown size: one POST with Upload-Length, not deferred', async () => {
    const { tus, client, requests } = setup();
    const url = await client.uploadFile({ input: streamOf(data.subarray(0, 250)) });
    assert.deepEqual(tus.bytes(url), data.subarray(0, 250));
    assert.deepEqual(shape(requests()), ['POST -+250']);
    assert.equal(requests()[0]?.headers['Upload-Length'], '250');
    assert.equal(requests()[0]?.headers['Upload-Defer-Length'], undefined);
  });

  it('a long stream of unknown size: a deferred POST with the first chunk, the length on the last PATCH', async () => {
    const { tus, client, requests } = setup();
    const url = await client.uploadFile({ input: streamOf(data) });
    assert.deepEqual(tus.bytes(url), data);
    assert.deepEqual(shape(requests()), [
      'POST -+300',
      'PATCH 300+300',
      'PATCH 600+300',
      'PATCH 900+100',
    ]);
    assert.equal(requests()[0]?.headers['Upload-Defer-Length'], '1');
    assert.equal(requests().at(-1)?.headers['Upload-Length'], '1000');
  });

  it('the server keeps part of the body, or says nothing of it: PATCHes go on from its offset', async () => {
    const part = setup({ takeAtCreation: 120 });
    const url = await part.client.uploadFile({ input: data });
    assert.deepEqual(part.tus.bytes(url), data);
    assert.equal(shape(part.requests())[1], 'PATCH 120+300');

    const silent = setup({ omitCreationOffset: true, takeAtCreation: 0 });
    const url2 = await silent.client.uploadFile({ input: data });
    assert.deepEqual(silent.tus.bytes(url2), data);
    assert.equal(shape(silent.requests())[1], 'PATCH 0+300');
  });

  it('createDeferredUpload with a body: the length goes in an empty PATCH when the body was all', async () => {
    const { tus, client, requests } = setup();
    const small = data.subarray(0, 50);
    const url = await client.createDeferredUpload({ input: small });
    assert.deepEqual(tus.bytes(url), small);
    assert.deepEqual(shape(requests()), ['POST -+50', 'PATCH 50+0']);
    assert.equal(requests()[1]?.headers['Upload-Length'], '50');
  });
});
