/**
 * The 104's Location, in Node: with `uploadDataDuringCreation` the creation carries the
 * first bytes, and the upload's URL is stored (storeUrl) the moment the 104 announces it,
 * while the creation's body is still on the wire. Cut then, the next `uploadFile` of the same
 * input resumes that upload (no second creation) and the bytes come out whole.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { InMemoryUrlStorage, TusAbortError, TusClient } from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';

describe('our client, draft interop 8 in Node: the 104 Location stored at once', () => {
  let server: StartedOurServer;
  const methods: string[] = [];
  before(async () => {
    server = await startOurServer();
    server.server.httpServer?.prependListener('request', (req) => methods.push(req.method ?? ''));
  });
  after(() => server.close());

  it('is in URL storage before the creation is answered; a cut creation resumes', async () => {
    const data = randomBytes(512 * 1024);
    const urlStorage = new InMemoryUrlStorage();
    const controller = new AbortController();
    const slow = new TusClient(server.endpoint, {
      protocol: 'ietf-draft-12',
      uploadDataDuringCreation: true,
      storeUrl: true,
      urlStorage,
      chunkSize: data.length,
      // The whole input goes in the creation, at 128 KiB/s: about four seconds on the wire.
      maxBytesPerSecond: 128 * 1024,
    });
    let seenWhileSending: { stored: string[]; offset: number | undefined } | undefined;
    const error = await slow
      .uploadFile({
        input: data,
        signal: controller.signal,
        onUploadUrlAvailable: async (url) => {
          const stored = (await urlStorage.list()).map((entry) => entry.uploadUrl);
          const upload = await server.server.getUpload(url.split('/').pop() ?? '');
          seenWhileSending = { stored, offset: upload?.offset };
          controller.abort();
        },
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    await slow.close();
    assert.ok(error instanceof TusAbortError, String(error));
    const url = error.uploadUrl;
    assert.ok(url !== undefined);
    assert.deepEqual(seenWhileSending?.stored, [url]);
    assert.ok(
      (seenWhileSending?.offset ?? data.length) < data.length,
      'the body was still on its way',
    );
    assert.deepEqual(methods, ['POST']);

    const fast = new TusClient(server.endpoint, {
      protocol: 'ietf-draft-12',
      storeUrl: true,
      urlStorage,
    });
    try {
      assert.equal(await fast.uploadFile({ input: data }), url);
    } finally {
      await fast.close();
    }
    assert.equal(methods.filter((m) => m === 'POST').length, 1, methods.join(' '));
    assert.deepEqual(await readFile(server.dataPath(url)), data);
  });
});
