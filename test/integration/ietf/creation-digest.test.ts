/**
 * A draft creation whose body's `Content-Digest` fails (one byte flipped in transit) is
 * retried as a failed append is (issue 25, defect 8): the server keeps the upload it
 * created (announced in the 104) without the body and names it in its 400; the client
 * resumes that upload (offset retrieval, then the bytes again) instead of failing, or of
 * creating a second upload. The proxy here forwards no 104, so the client learns the
 * upload from the refusal alone. Our client and our server over real HTTP.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { DRAFT_PROTOCOLS, type DraftProtocol } from '../../../src/protocol/ietf/interop.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { flipMiddleByte, startTamperProxy } from '../../helpers/tamper-proxy.js';

describe('our client with the draft: a creation whose Content-Digest fails is retried', () => {
  let server: StartedOurServer;
  const created: string[] = [];
  before(async () => {
    server = await startOurServer({ onUploadCreate: (upload) => void created.push(upload.id) });
  });
  after(() => server.close());

  for (const protocol of Object.keys(DRAFT_PROTOCOLS) as DraftProtocol[]) {
    it(`${protocol}: one byte flipped in the creation's body once; the upload completes, bytes right, one upload`, async () => {
      created.length = 0;
      let flipped = 0;
      const proxy = await startTamperProxy(server.endpoint, {
        tamper: (req) => {
          if (req.method !== 'POST' || req.nth !== 1 || req.body.length === 0) return req.body;
          flipped++;
          return flipMiddleByte(req.body);
        },
      });
      const client = new TusClient(proxy.endpoint, {
        protocol,
        checksum: 'sha256',
        uploadDataDuringCreation: true,
        chunkSize: 200_000,
        retryDelay: 10,
      });
      try {
        const data = randomBytes(300_000);
        let retries = 0;
        const url = await client.uploadFile({
          input: data,
          onProgress: (stats) => {
            retries = stats.retries;
          },
        });
        assert.equal(flipped, 1, 'the creation carried the body');
        assert.ok(retries >= 1, `retries ${retries}`);
        const statuses = proxy.requests.map((r) => r.method);
        assert.equal(statuses.filter((m) => m === 'POST').length, 1, statuses.join(', '));
        assert.deepEqual(created, [new URL(url).pathname.split('/').pop()]);
        assert.deepEqual(await readFile(server.dataPath(url)), data);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }
});
