/**
 * How the browser build moves bytes, in headless Chromium against our server on another
 * origin: one CORS preflight per upload URL, upload progress within a chunk (XHR upload
 * events, through the WAN emulator), and a 256 MiB Blob sent in one request with sha1
 * while the page's JavaScript heap stays small (Blob slices are sent as they are and hashed
 * a piece at a time). Behaviour only; the stored bytes are checked every time.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { WanProxy } from '../helpers/wan-proxy.js';
import { chromiumSkipReason } from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import {
  type BrowserSuite,
  evaluate,
  startBrowserSuite,
  type UploadResult,
} from './helpers/page.js';

const MiB = 1024 * 1024;
const skip = chromiumSkipReason();

interface PatternResult extends UploadResult {
  heapBaseline?: number;
  heapPeakAboveBaseline?: number;
}

/** Our server behind an http.Server of the test's that counts CORS preflights per URL. */
async function countingPreflights(ours: StartedOurServer) {
  const preflights = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      preflights.set(path, (preflights.get(path) ?? 0) + 1);
    }
    ours.server.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/files`,
    preflights,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('Chromium: how bytes move', { skip, timeout: 240_000 }, () => {
  let suite: BrowserSuite;
  let ours: StartedOurServer;

  before(async () => {
    suite = await startBrowserSuite(undefined, [
      '--enable-precise-memory-info',
      '--js-flags=--expose-gc',
    ]);
    // No cross-origin access unless asked: the page's origin is.
    ours = await startOurServer({ fsync: false, allowedOrigins: [suite.site.origin] });
  });
  after(async () => {
    await suite?.close();
    await ours?.close();
  });

  it('one CORS preflight per upload URL for a 20-chunk upload', async () => {
    const counted = await countingPreflights(ours);
    try {
      const size = 20 * 256 * 1024;
      const result = await evaluate<UploadResult>(suite.page, 'upload', {
        endpoint: counted.endpoint,
        size,
        seed: 61,
        kind: 'blob',
        client: { chunkSize: 256 * 1024 },
      });
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal(result.stats?.chunksCompleted, 20);
      assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 61)));
      const uploadPath = new URL(result.url!).pathname;
      // The upload URL: one, for 20 PATCHes. The endpoint: its OPTIONS and the creation
      // POST are sent at once (one round trip less), so each may be preflighted before
      // the cache holds the first answer.
      assert.equal(counted.preflights.get(uploadPath), 1, JSON.stringify([...counted.preflights]));
      assert.ok((counted.preflights.get('/files') ?? 0) <= 2);
      assert.equal(counted.preflights.size, 2);
    } finally {
      await counted.close();
    }
  });

  it('progress events arrive within one 8 MiB chunk (XHR upload progress)', async () => {
    const wan = new WanProxy({
      targetPort: Number(new URL(ours.endpoint).port),
      delayMs: 10,
      rateBytesPerSecond: 4 * MiB,
    });
    const port = await wan.start();
    try {
      const size = 8 * MiB;
      const result = await evaluate<UploadResult>(suite.page, 'upload', {
        endpoint: `http://127.0.0.1:${port}/files`,
        size,
        seed: 62,
        kind: 'blob',
        client: { chunkSize: 8 * MiB },
      });
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.deepEqual(result.progress, [size], 'one chunk');
      assert.ok(result.inFlight.length >= 2, `${result.inFlight.length} reports within it`);
      assert.ok(result.inFlight.every((r) => r.confirmed === 0 && r.sent > 0));
      assert.ok(
        result.inFlight.some((r) => r.sent < size),
        'before all of it was sent',
      );
      assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 62)));
    } finally {
      await wan.close();
    }
  });

  it('a 256 MiB Blob in one request (chunkSize: Infinity) with sha1: the JS heap stays small', async () => {
    const pieceBytes = MiB;
    const pieces = 256;
    const result = await evaluate<PatternResult>(suite.page, 'uploadPattern', {
      endpoint: ours.endpoint,
      pieceBytes,
      pieces,
      seed: 63,
      client: { chunkSize: 'Infinity', checksum: 'sha1' },
    });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.stats?.checksumAlgorithm, 'sha1');
    assert.equal(result.stats?.chunksCompleted, 1);
    const piece = makeBytes(pieceBytes, 63);
    const hash = createHash('sha256');
    for (let i = 0; i < pieces; i++) hash.update(piece);
    assert.equal(await fileSha256(ours.dataPath(result.url!)), hash.digest('hex'));
    assert.ok(result.heapBaseline !== undefined, 'performance.memory is available');
    const above = result.heapPeakAboveBaseline!;
    assert.ok(
      above < 32 * MiB,
      `JS heap peaked ${(above / MiB).toFixed(1)} MiB above its baseline`,
    );
  });
});
