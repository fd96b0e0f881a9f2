/**
 * Issue 25 defect 2: a draft server's `Upload-Limit` must not override the client's own
 * bounds. Our server, with a proxy in front that adds the limit to its answers; the
 * requests are recorded where the server receives them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TusClient, TusUploadLimitError } from '../../../src/index.node.js';
import { type FaultProxy, startFaultProxy } from '../../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';

const MiB = 1024 * 1024;

describe('issue 25 defect 2: Upload-Limit within the client bounds (ietf-draft-12, our server)', () => {
  let server: StartedOurServer;
  let proxy: FaultProxy;
  const bodies: number[] = [];
  let limit = '';

  before(async () => {
    server = await startOurServer();
    server.server.httpServer?.prependListener('request', (req) => {
      if (req.method === 'PATCH') bodies.push(Number(req.headers['content-length'] ?? 0));
    });
    proxy = await startFaultProxy(server.endpoint, {
      decide: (request) =>
        request.method === 'POST' || request.method === 'HEAD'
          ? {
              kind: 'edit',
              edit: (answer) => ({
                ...answer,
                headers: { ...answer.headers, 'upload-limit': limit },
              }),
            }
          : undefined,
    });
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  it('a min-append-size of 1 GiB with chunkSize and maxChunkSize 1 MiB: a TusUploadLimitError before any append, not one huge PATCH', async () => {
    bodies.length = 0;
    limit = `min-append-size=${1024 * MiB}`;
    const client = new TusClient(proxy.endpoint, {
      protocol: 'ietf-draft-12',
      chunkSize: MiB,
      maxChunkSize: MiB,
      retryDelay: 10,
    });
    try {
      await assert.rejects(
        client.uploadFile({ input: randomBytes(8 * MiB) }),
        (error: unknown) =>
          error instanceof TusUploadLimitError &&
          error.code === 'TUS_ERR_UPLOAD_LIMIT' &&
          error.minAppendSize === 1024 * MiB &&
          error.clientMax === MiB,
      );
    } finally {
      await client.close();
    }
    assert.deepEqual(bodies, [], 'no append was sent');
  });

  it('a max-append-size of 1 for 11,000 bytes: a TusUploadLimitError, not 11,000 one-byte requests', async () => {
    bodies.length = 0;
    limit = 'max-append-size=1';
    const client = new TusClient(proxy.endpoint, { protocol: 'ietf-draft-12', retryDelay: 10 });
    try {
      await assert.rejects(
        client.uploadFile({ input: randomBytes(11_000) }),
        (error: unknown) => error instanceof TusUploadLimitError && error.maxAppendSize === 1,
      );
    } finally {
      await client.close();
    }
    assert.ok(bodies.length <= 1, `${bodies.length} appends`);
  });
});
