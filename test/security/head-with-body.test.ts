/**
 * Issue 16.5: a HEAD answered with a body (RFC 9110 forbids it; the seed's Python server
 * does it for its 404) is the answer, never `HPE_CLOSED_CONNECTION … Data after
 * Connection: close`: a HEAD response is complete when its headers arrive. A raw server
 * answers, for many bounded rounds, with and without `Connection: close`; and a stored
 * URL of an expired upload on such a server starts the upload anew on a real one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient as FetchTusClient } from '../../src/index.browser.js';
import {
  CallableFingerprint,
  InMemoryUrlStorage,
  TusClient,
  TusCommunicationError,
} from '../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { bytes, KiB, sha256, sha256File } from '../integration/client/fixtures.js';
import { startHeadBodyServer } from './helpers/head-body-server.js';

const ROUNDS = 100;

for (const close of [true, false]) {
  describe(`HEAD 404 with a body${close ? ' and Connection: close' : ', kept alive'}`, {
    timeout: 60_000,
  }, () => {
    let raw: Awaited<ReturnType<typeof startHeadBodyServer>>;
    before(async () => {
      raw = await startHeadBodyServer(close);
    });
    after(() => raw?.stop());

    for (const entry of ['Node', 'fetch'] as const) {
      it(`${entry}: getUploadInfo is the 404 (TusCommunicationError) in every one of ${ROUNDS} rounds`, async () => {
        const options = { maxRetries: 0 };
        const client =
          entry === 'Node'
            ? new TusClient(`${raw.origin}/files`, options)
            : new FetchTusClient(`${raw.origin}/files`, options);
        const seen = new Map<string, number>();
        try {
          for (let round = 0; round < ROUNDS; round++) {
            try {
              await client.getUploadInfo(`${raw.origin}/files/expired-${round}`);
              seen.set('resolved', (seen.get('resolved') ?? 0) + 1);
            } catch (error) {
              const key =
                error instanceof TusCommunicationError && error.code === 'TUS_ERR_COMMUNICATION'
                  ? `404 ${error.status}`
                  : `${(error as Error).name}: ${(error as Error).message}`;
              seen.set(key, (seen.get(key) ?? 0) + 1);
            }
            // The DELETE on the same client reuses (or replaces) the connection cleanly.
            if (!close) await client.deleteUpload(`${raw.origin}/files/expired-${round}`);
          }
        } finally {
          await client.close();
        }
        assert.deepEqual([...seen], [['404 404', ROUNDS]]);
      });
    }
  });
}

describe('a stored URL on a server that answers HEAD 404 with a body', { timeout: 60_000 }, () => {
  let raw: Awaited<ReturnType<typeof startHeadBodyServer>>;
  let ours: StartedOurServer;
  before(async () => {
    raw = await startHeadBodyServer(true);
    ours = await startOurServer();
  });
  after(async () => {
    raw?.stop();
    await ours?.close();
  });

  it('starts the upload anew, every time (20 rounds)', async () => {
    const storage = new InMemoryUrlStorage();
    const client = new TusClient(ours.endpoint, {
      storeUrl: true,
      urlStorage: storage,
      maxRetries: 0,
      fingerprinter: new CallableFingerprint(() => 'the-file'),
    });
    try {
      for (let round = 0; round < 20; round++) {
        const data = bytes(20 * KiB, round + 1);
        await storage.set('the-file', {
          uploadUrl: `${raw.origin}/files/expired-${round}`,
          size: data.byteLength,
          createdAt: new Date().toISOString(),
          metadata: {},
        });
        const url = await client.uploadFile({ input: data });
        assert.ok(url.startsWith(ours.endpoint), url);
        assert.equal(await sha256File(ours.dataPath(url)), sha256(data));
      }
    } finally {
      await client.close();
    }
  });
});
