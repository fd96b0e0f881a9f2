/**
 * Stall detection: a connection that stops moving is abandoned after `timeout` (an
 * inactivity bound, not a cap on the request), and the upload goes on from what the
 * server holds; `requestTimeout` is the opt-in cap on a whole request.
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
    it(`${label}: timeout 1000 recovers`, {
      timeout: 25_000,
    }, async () => {
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) => (req.method === 'PATCH' && req.nth === 2 ? fault : undefined),
      });
      const seen: TusError[] = [];
      const client = new TusClient(proxy.endpoint, {
        chunkSize: 4 * MiB,
        timeout: 1000,
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
        // Stalled while sending, or sent (into the OS's buffers) and no answer: both timeouts.
        // (A loaded machine may time out another request too: only the PATCHes are judged.)
        assert.ok(
          seen.every((e) => e instanceof TusTimeoutError),
          seen.map(String).join('\n'),
        );
        const patches = seen.filter((e) => e.method === 'PATCH') as TusTimeoutError[];
        assert.ok(patches.length >= 1, seen.map(String).join('\n'));
        const first = patches[0]!;
        assert.ok(['TUS_ERR_STALLED', 'TUS_ERR_TIMEOUT'].includes(first.code), first.code);
        assert.equal(first.timeoutMs, 1000);
        assert.ok(ms < 20_000, `recovered within a few timeouts (took ${ms} ms)`);
        assert.equal(guard.reports.at(-1), data.byteLength);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }

  it('without an inactivity timeout, the opt-in requestTimeout ends a stall (typed, bounded)', {
    timeout: 20_000,
  }, async () => {
    const proxy = await startFaultProxy(server.endpoint, {
      decide: (req) =>
        req.method === 'PATCH' ? { kind: 'stall', afterBytes: 0, ms: 60_000 } : undefined,
    });
    const client = new TusClient(proxy.endpoint, {
      timeout: Number.POSITIVE_INFINITY,
      requestTimeout: 600,
      maxRetries: 1,
      retryDelay: 1,
    });
    try {
      const { error, ms } = await timed(() => client.uploadFile({ input: bytes(100_000) }));
      assert.ok(error instanceof TusUploadFailed, String(error));
      assert.ok(error.cause instanceof TusTimeoutError && !(error.cause instanceof TusStallError));
      assert.match(error.message, /requestTimeout \(600 ms\)/);
      assert.equal(error.method, 'PATCH');
      assert.ok(ms < 2 * 600 + 3000, `bounded by the attempts (took ${ms} ms)`);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
