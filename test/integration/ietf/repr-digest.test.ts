/**
 * `Repr-Digest` where it is cheap: with `storeUrl` the default fingerprint hashes the whole
 * input with SHA-256 anyway, and the draft's creation carries that digest; our server checks
 * it against the stored bytes at completion. A wrong one (here from a fingerprinter that
 * lies) fails the completion and the server discards the upload.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  CallableFingerprint,
  InMemoryUrlStorage,
  TusClient,
  TusCommunicationError,
} from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';

describe('our client, draft: Repr-Digest from the default fingerprint', () => {
  let server: StartedOurServer;
  const reprDigests: Array<string | undefined> = [];
  before(async () => {
    server = await startOurServer();
    server.server.httpServer?.prependListener('request', (req) => {
      if (req.method === 'POST') reprDigests.push(req.headers['repr-digest'] as string | undefined);
    });
  });
  after(() => server.close());

  it('is sent at creation and checked by the server at completion', async () => {
    const data = randomBytes(300_000);
    const client = new TusClient(server.endpoint, {
      protocol: 'ietf-draft-12',
      storeUrl: true,
      urlStorage: new InMemoryUrlStorage(),
      chunkSize: 100_000,
    });
    try {
      const url = await client.uploadFile({ input: data });
      assert.deepEqual(await readFile(server.dataPath(url)), data);
    } finally {
      await client.close();
    }
    const sha = createHash('sha256').update(data).digest('base64');
    assert.deepEqual(reprDigests.splice(0), [`sha-256=:${sha}:`]);
  });

  it('a wrong one fails the completion (400) and the upload is gone', async () => {
    const data = randomBytes(50_000);
    const wrong = createHash('sha256').update('something else').digest('hex');
    const client = new TusClient(server.endpoint, {
      protocol: 'ietf-draft-05',
      storeUrl: true,
      urlStorage: new InMemoryUrlStorage(),
      fingerprinter: new CallableFingerprint(() => `size:${data.length}--sha256:${wrong}`),
    });
    let url: string | undefined;
    try {
      await assert.rejects(
        client.uploadFile({
          input: data,
          onUploadUrlAvailable: (created) => {
            url = created;
          },
        }),
        (error: unknown) =>
          error instanceof TusCommunicationError &&
          error.status === 400 &&
          /Repr-Digest sha-256 does not match/.test(error.message),
      );
      assert.ok(url !== undefined);
      await assert.rejects(
        client.getUploadInfo(url),
        (error: unknown) => error instanceof TusCommunicationError && error.status === 404,
      );
    } finally {
      await client.close();
    }
    reprDigests.length = 0;
  });
});
