/**
 * tus-js-client 4.3.1 (the reference JavaScript client) with its experimental
 * `protocol: 'ietf-draft-03'` (interop 5) and `'ietf-draft-05'` (interop 6) uploading to our
 * server: whole, in chunks, with the data sent in the creation request, resumed from a URL,
 * and with an unknown length. The stored bytes are checked.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Upload, type UploadOptions } from 'tus-js-client';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { draft } from './draft-http.js';

/** `protocol` is in tus-js-client 4.3.1's code but not in its type declarations. */
type DraftOptions = UploadOptions & { protocol: 'ietf-draft-03' | 'ietf-draft-05' };

function upload(input: Buffer | Readable, options: DraftOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const task = new Upload(input, {
      retryDelays: [],
      ...(options as UploadOptions),
      onError: reject,
      onSuccess: () => resolve(task.url ?? ''),
    });
    task.start();
  });
}

for (const protocol of ['ietf-draft-03', 'ietf-draft-05'] as const) {
  describe(`tus-js-client 4.3.1 with protocol ${protocol} to our server`, () => {
    let server: StartedOurServer;
    const versions = new Set<string>();
    before(async () => {
      server = await startOurServer();
      server.server.httpServer?.prependListener('request', (req) => {
        const version = req.headers['upload-draft-interop-version'];
        versions.add(typeof version === 'string' ? version : 'none');
      });
    });
    after(() => server.close());

    it('a whole buffer in one request after an empty creation', async () => {
      const data = randomBytes(300_000);
      const url = await upload(data, { endpoint: server.endpoint, protocol });
      assert.deepEqual(await readFile(server.dataPath(url)), data);
      assert.deepEqual([...versions], [protocol === 'ietf-draft-03' ? '5' : '6']);
      const head = await draft('HEAD', url, { version: protocol === 'ietf-draft-03' ? 5 : 6 });
      assert.equal(head.headers['upload-complete'], '?1');
    });

    it('in chunks, the data of the first sent with the creation', async () => {
      const data = randomBytes(250_000);
      const url = await upload(data, {
        endpoint: server.endpoint,
        protocol,
        chunkSize: 64 * 1024,
        uploadDataDuringCreation: true,
      });
      assert.deepEqual(await readFile(server.dataPath(url)), data);
    });

    it('resumed from its URL after a first part', async () => {
      const data = randomBytes(100_000);
      const version = protocol === 'ietf-draft-03' ? 5 : 6;
      const created = await draft('POST', server.endpoint, {
        version,
        headers: { 'Upload-Complete': '?0', 'Upload-Length': String(data.length) },
        body: data.subarray(0, 40_000),
      });
      const url = new URL(String(created.headers.location), server.endpoint).href;
      const resumed = await upload(data, { uploadUrl: url, protocol, chunkSize: 30_000 });
      assert.equal(resumed, url);
      assert.deepEqual(await readFile(server.dataPath(url)), data);
    });

    it('a stream of unknown length (uploadLengthDeferred)', async () => {
      const data = randomBytes(150_000);
      const url = await upload(Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), {
        endpoint: server.endpoint,
        protocol,
        chunkSize: 50_000,
        uploadLengthDeferred: true,
      });
      assert.deepEqual(await readFile(server.dataPath(url)), data);
      const stored = await server.server.getUpload(url.split('/').pop() ?? '');
      assert.equal(stored?.length, data.length);
    });
  });
}
