/** Uploads of deferred length (creation-defer-length) over a scripted transport. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TusExtensionUnsupportedError, TusNetworkError } from '../../../src/errors/index.js';
import type { UploadStats } from '../../../src/types.js';
import { FakeTransport, fakeClient } from '../../helpers/fake-transport.js';
import { concatTus } from './parallel-memory-tus.js';

const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 13 + 5) % 256);

/** A web stream of `bytes` in pieces of `piece` bytes. */
function streamOf(bytes: Uint8Array, piece = 77): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(at, at + piece));
      at += piece;
    },
  });
}

function setup(config: Parameters<typeof concatTus>[0] = {}, chunkSize = 300) {
  const tus = concatTus(config);
  const transport = new FakeTransport(tus.handler);
  const checksum = config.checksums !== undefined;
  const client = fakeClient(transport, { chunkSize, checksum, retryDelay: 1 });
  const patches = () => transport.requests.filter((r) => r.method === 'PATCH');
  return { tus, transport, client, patches };
}

describe('deferred length over a fake transport', () => {
  for (const size of [1000, 900, 1, 0]) {
    it(`uploadFile with a stream of unknown size (${size} B): Upload-Defer-Length, the length on the PATCH with the last bytes`, async () => {
      const { tus, transport, client, patches } = setup({ checksums: ['sha256'] });
      const input = data.slice(0, size);
      const seen: UploadStats[] = [];
      const url = await client.uploadFile({
        input: streamOf(input),
        onProgress: (stats) => seen.push(stats),
      });
      assert.deepEqual(tus.bytes(url), input);
      assert.equal(tus.uploads.get(new URL(url).pathname)?.length, size);
      const post = transport.requests.find((r) => r.method === 'POST');
      assert.equal(post?.headers['Upload-Defer-Length'], '1');
      assert.equal(post?.headers['Upload-Length'], undefined);
      const all = patches();
      // 300-byte chunks; an exact multiple needs no empty PATCH; an empty input needs one.
      assert.equal(all.length, Math.max(1, Math.ceil(size / 300)));
      for (const patch of all.slice(0, -1)) assert.equal(patch.headers['Upload-Length'], undefined);
      assert.equal(all.at(-1)?.headers['Upload-Length'], String(size));
      for (const patch of all) assert.match(patch.headers['Upload-Checksum'] ?? '', /^sha256 /);
      assert.equal(seen.at(-1)?.totalBytes, size);
      if (size > 300) assert.equal(seen[0]?.totalBytes, undefined);
    });
  }

  it('createDeferredUpload defers even when the size is known', async () => {
    const { tus, transport, client, patches } = setup();
    const url = await client.createDeferredUpload({ input: data, metadata: { a: 'b' } });
    assert.deepEqual(tus.bytes(url), data);
    const post = transport.requests.find((r) => r.method === 'POST');
    assert.equal(post?.headers['Upload-Defer-Length'], '1');
    assert.equal(post?.headers['Upload-Metadata'], `a ${btoa('b')}`);
    assert.deepEqual(
      patches().map((p) => p.headers['Upload-Length']),
      [undefined, undefined, undefined, '1000'],
    );
  });

  it('createDeferredUpload of nothing: one empty PATCH commits length 0', async () => {
    const { tus, client, patches } = setup();
    const url = await client.createDeferredUpload({ input: new Uint8Array(0) });
    assert.equal(tus.uploads.get(new URL(url).pathname)?.length, 0);
    assert.deepEqual(
      patches().map((p) => [p.body?.byteLength, p.headers['Upload-Length']]),
      [[0, '0']],
    );
  });

  it('the last PATCH is lost after the server took it: HEAD shows the length, it is not sent twice', async () => {
    let lost = false;
    const tus = concatTus();
    const transport = new FakeTransport((request, index) => {
      const answer = tus.handler(request, index);
      if (!lost && request.method === 'PATCH' && request.headers['Upload-Length'] !== undefined) {
        lost = true;
        throw new TusNetworkError('PATCH: socket hang up');
      }
      return answer;
    });
    const client = fakeClient(transport, { chunkSize: 300, checksum: false, retryDelay: 1 });
    const url = await client.uploadFile({ input: streamOf(data) });
    assert.ok(lost);
    assert.deepEqual(tus.bytes(url), data);
    assert.deepEqual(transport.log.slice(-2), [`PATCH ${url}`, `HEAD ${url}`]);
  });

  it('a PATCH before the last one fails: the stream resends that chunk, the length comes later', async () => {
    let failed = false;
    const { tus, client, patches } = setup({
      faults: (request) => {
        if (!failed && request.method === 'PATCH' && request.headers['Upload-Offset'] === '300') {
          failed = true;
          return { status: 503 };
        }
        return undefined;
      },
    });
    const url = await client.uploadFile({ input: streamOf(data, 1000) });
    assert.deepEqual(tus.bytes(url), data);
    assert.deepEqual(
      patches().map((p) => `${p.headers['Upload-Offset']}:${p.headers['Upload-Length'] ?? '-'}`),
      ['0:-', '300:-', '300:-', '600:-', '900:1000'],
    );
  });

  it('resuming a deferred upload with a known input sends the rest and the length', async () => {
    const { tus, client, patches } = setup();
    const uploader = client.createUploader({ input: streamOf(data), chunkSize: 300 });
    await uploader.uploadChunk();
    await uploader.close();
    const url = uploader.url!;
    assert.equal(tus.uploads.get(new URL(url).pathname)?.length, undefined);
    const done = await client.resumeUpload({ uploadUrl: url, input: data });
    assert.equal(done, url);
    assert.deepEqual(tus.bytes(url), data);
    assert.equal(patches().at(-1)?.headers['Upload-Length'], '1000');
  });

  it('stopAt with a stream of unknown size stops there, the length still deferred', async () => {
    const { tus, client } = setup();
    const url = await client.uploadFile({ input: streamOf(data), stopAt: 600 });
    const upload = tus.uploads.get(new URL(url).pathname);
    assert.equal(upload?.offset, 600);
    assert.equal(upload?.length, undefined);
  });

  it('createDeferredUpload against a server without creation-defer-length: typed error, no POST', async () => {
    const { transport, client } = setup({ extensions: ['creation'] });
    await assert.rejects(client.createDeferredUpload({ input: data }), (error) => {
      assert.ok(error instanceof TusExtensionUnsupportedError);
      assert.equal(error.extension, 'creation-defer-length');
      return true;
    });
    assert.deepEqual(transport.log, ['OPTIONS http://tus.test/files']);
  });
});
