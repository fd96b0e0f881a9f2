/**
 * Stall detection: a connection that stops moving is abandoned after `stallTimeout`, long
 * before the request `timeout`, and the upload goes on from what the server holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  TusClient,
  type TusError,
  TusStallError,
  TusTimeoutError,
  TusUploadFailed,
} from '../../src/index.node.js';
import { type Fault, startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedTusServer, startTusNodeServer } from '../helpers/tus-node-server.js';
import { bytes, MiB, sha256, sha256File } from '../integration/client/fixtures.js';
import { progressGuard, timed } from './harness.js';

describe('stalls', () => {
  let server: StartedTusServer;
  before(async () => {
    server = await startTusNodeServer();
  });
  after(() => server.close());

  for (const [label, fault] of [
    ['the proxy stops forwarding mid-chunk', { kind: 'stall', afterBytes: MiB, ms: 60_000 }],
    ['the server took the chunk, the answer never comes', { kind: 'stall-answer', ms: 60_000 }],
  ] as const satisfies ReadonlyArray<readonly [string, Fault]>) {
    it(`${label}: stallTimeout 500 recovers while timeout is 30 s`, {
      timeout: 25_000,
    }, async () => {
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) => (req.method === 'PATCH' && req.nth === 2 ? fault : undefined),
      });
      const seen: TusError[] = [];
      const client = new TusClient(proxy.endpoint, {
        chunkSize: 4 * MiB,
        stallTimeout: 500,
        timeout: 30_000,
        // @tus/server answers the HEAD only once it gives up the stalled PATCH's lock (~3 s
        // when the client's close cannot reach it): the backoff must outlast that.
        retryDelay: 250,
        maxRetries: 5,
        onShouldRetry: (error) => {
          seen.push(error);
          return true;
        },
      });
      try {
        const data = bytes(10 * MiB + 3, 11);
        const guard = progressGuard(proxy);
        const { error, ms } = await timed(async () => {
          const url = await client.uploadFile({ input: data, onProgress: guard.onProgress });
          assert.equal(await sha256File(server.dataPath(url)), sha256(data));
        });
        assert.equal(error, undefined, String(error));
        assert.ok(seen.length >= 1);
        assert.ok(
          seen.every((e) => e instanceof TusStallError),
          seen.map(String).join('\n'),
        );
        const first = seen[0] as TusStallError;
        assert.equal(first.code, 'TUS_ERR_STALLED');
        assert.equal(first.method, 'PATCH');
        assert.equal(first.timeoutMs, 500);
        assert.ok(ms < 30_000, `recovered long before the request timeout (took ${ms} ms)`);
        assert.equal(guard.reports.at(-1), data.byteLength);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }

  it('without stallTimeout, the request timeout ends a stall (typed, bounded)', {
    timeout: 20_000,
  }, async () => {
    const proxy = await startFaultProxy(server.endpoint, {
      decide: (req) =>
        req.method === 'PATCH' ? { kind: 'stall', afterBytes: 0, ms: 60_000 } : undefined,
    });
    const client = new TusClient(proxy.endpoint, {
      stallTimeout: Number.POSITIVE_INFINITY,
      timeout: 600,
      maxRetries: 1,
      retryDelay: 1,
    });
    try {
      const { error, ms } = await timed(() => client.uploadFile({ input: bytes(100_000) }));
      assert.ok(error instanceof TusUploadFailed, String(error));
      assert.ok(error.cause instanceof TusTimeoutError && !(error.cause instanceof TusStallError));
      assert.equal(error.method, 'PATCH');
      assert.ok(ms < 2 * 600 + 3000, `bounded by the attempts (took ${ms} ms)`);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
