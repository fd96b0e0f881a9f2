/**
 * The browser build inside workerd (the Cloudflare Workers runtime, through miniflare from
 * npm): a Worker, bundled by esbuild with the conditions wrangler uses, uploads a Uint8Array,
 * a Blob and a ReadableStream to our server on 127.0.0.1; the stored bytes are checked here.
 * miniflare lets a Worker's outbound fetch reach private addresses (its internet service
 * allows "public" and "private"); a bare workerd config needs the same `allow` list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Miniflare } from 'miniflare';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { create } from '../helpers/raw-http.js';
import { fileSha256, requireBuild, sha256 } from './runtime-process.js';
import { bundleWorker, pattern, workerUpload } from './workerd-worker.js';

describe('the browser build in workerd', () => {
  let server: StartedOurServer;
  let worker: Miniflare;

  before(async () => {
    requireBuild();
    server = await startOurServer();
    worker = new Miniflare({
      modules: true,
      script: await bundleWorker(),
      compatibilityDate: '2026-04-01',
    });
    await worker.ready;
  });

  after(async () => {
    await worker?.dispose();
    await server?.close();
  });

  for (const kind of ['uint8array', 'blob', 'stream']) {
    it(`uploads a ${kind} in chunks with sha1 checksums: bytes equal`, async () => {
      const size = 300 * 1024 + 11;
      const answer = await workerUpload(worker, {
        endpoint: server.endpoint,
        kind,
        size,
        chunkSize: 128 * 1024,
      });
      assert.equal(answer.checksum, 'sha1');
      assert.ok((answer.progress ?? 0) >= 3, `progress events: ${answer.progress}`);
      assert.equal(await fileSha256(server.dataPath(answer.url ?? '')), sha256(pattern(0, size)));
    });
  }

  it('the fetch transport streams a chunk’s pieces in workerd, not gathered first: bytes equal', async () => {
    const pieces = 64; // 4 MiB in 64 KiB pieces
    const size = pieces * 64 * 1024;
    const streaming = new Miniflare({
      modules: true,
      script: await bundleWorker('stream-body-worker.ts'),
      compatibilityDate: '2026-04-01',
    });
    try {
      const url = await create(server.endpoint, { 'Upload-Length': String(size) });
      const search = new URLSearchParams({ url, pieces: String(pieces) });
      const response = await streaming.dispatchFetch(`http://worker.test/?${search}`);
      const answer = (await response.json()) as Record<string, unknown>;
      assert.equal(answer.streams, true, 'workerd takes request streams');
      assert.equal(answer.status, 204);
      assert.equal(answer.offset, String(size));
      assert.ok(
        Number(answer.madeAtFetch) < pieces,
        `pieces made before fetch: ${answer.madeAtFetch}`,
      );
      assert.equal(await fileSha256(server.dataPath(url)), sha256(pattern(0, size)));
    } finally {
      await streaming.dispose();
    }
  });
});
