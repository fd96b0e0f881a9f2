/**
 * The requests that are not uploads (OPTIONS, HEAD, DELETE) under faults: retried with the
 * client's `maxRetries`, then the last error itself, typed, within bounds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  TusClient,
  TusCommunicationError,
  TusNetworkError,
  TusTimeoutError,
} from '../../src/index.node.js';
import { type Fault, startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { bytes } from '../integration/client/fixtures.js';
import { assertTyped, timed } from './harness.js';

const TWO_FAULTS: Fault[] = [
  { kind: 'reset', afterBytes: 0 },
  { kind: 'status', status: 503 },
];

describe('OPTIONS, HEAD and DELETE under faults', () => {
  let server: StartedOurServer;
  let uploadUrl: string;
  before(async () => {
    server = await startOurServer({ fsync: false });
    const direct = new TusClient(server.endpoint);
    uploadUrl = await direct.uploadFile({ input: bytes(5000), stopAt: 3000 });
    await direct.close();
  });
  after(() => server.close());

  const calls = [
    { method: 'OPTIONS', call: (c: TusClient) => c.getServerInfo() },
    { method: 'HEAD', call: (c: TusClient, url: string) => c.getUploadInfo(url) },
  ] as const;

  for (const { method, call } of calls) {
    it(`${method}: two faults, then the answer`, async () => {
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) => (req.method === method ? TWO_FAULTS[req.nth - 1] : undefined),
      });
      const client = new TusClient(proxy.endpoint, { retryDelay: 1, maxRetries: 2 });
      try {
        const url = uploadUrl.replace(
          new URL(server.endpoint).origin,
          new URL(proxy.endpoint).origin,
        );
        const answer = await call(client, url);
        if ('offset' in answer) assert.equal(answer.offset, 3000);
        else assert.ok(answer.extensions.includes('concatenation'));
        assert.equal(proxy.faults.length, 2);
        assert.equal(proxy.requests.filter((r) => r.method === method).length, 3);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it(`${method}: faults every time, then the last error itself, typed`, async () => {
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) => (req.method === method ? { kind: 'stall-answer', ms: 10_000 } : undefined),
      });
      const client = new TusClient(proxy.endpoint, {
        retryDelay: 1,
        maxRetries: 2,
        timeout: 200,
      });
      try {
        const url = uploadUrl.replace(
          new URL(server.endpoint).origin,
          new URL(proxy.endpoint).origin,
        );
        const { error, ms } = await timed(() => call(client, url));
        // Sent, and no answer within the timeout.
        const typed = assertTyped(error, TusTimeoutError, { code: 'TUS_ERR_TIMEOUT', method });
        assert.equal(typed.timeoutMs, 200);
        assert.equal(proxy.requests.filter((r) => r.method === method).length, 3);
        assert.ok(ms < 3 * 200 + 3000, `took ${ms} ms`);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }

  it('DELETE: a lost answer, then 404 on the retry is the error (the upload is gone)', async () => {
    const direct = new TusClient(server.endpoint);
    const url = await direct.uploadFile({ input: bytes(100) });
    await direct.close();
    const proxy = await startFaultProxy(server.endpoint, {
      decide: (req) =>
        req.method === 'DELETE' && req.nth === 1 ? { kind: 'drop-answer' } : undefined,
    });
    const client = new TusClient(proxy.endpoint, { retryDelay: 1, maxRetries: 2 });
    try {
      const viaProxy = url.replace(new URL(server.endpoint).origin, new URL(proxy.endpoint).origin);
      const error = await client.deleteUpload(viaProxy).catch((e: unknown) => e);
      // The first DELETE did its work; the retry finds nothing. Typed, with the status.
      const typed = assertTyped(error, TusCommunicationError, {
        code: 'TUS_ERR_COMMUNICATION',
        method: 'DELETE',
      });
      assert.ok(typed.status === 404 || typed.status === 410, String(typed.status));
      assert.ok(!(typed instanceof TusNetworkError));
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
