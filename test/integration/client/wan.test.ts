/**
 * The client on emulated real links (test/helpers/wan-proxy.ts in front of a counting proxy
 * in front of our server): chunk sizes that grow, a server that refuses large bodies,
 * progress within a chunk, `timeout` as an inactivity bound. Behaviour only: what the
 * server saw and stored, never how long it took.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  TusClient,
  TusStallError,
  TusUploadFailed,
  type UploadStats,
} from '../../../src/index.node.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { WanProxy } from '../../helpers/wan-proxy.js';
import { type CountingProxy, startCountingProxy } from '../resume/counting-proxy.js';
import { bytes, isChunkEnd, MiB, sha256, sha256File } from './fixtures.js';

/** client → WAN link → counting proxy → our server; the client's URLs go through the link. */
async function link(server: StartedOurServer, delayMs: number, rateBytesPerSecond: number) {
  const counting = await startCountingProxy(server.endpoint);
  const wan = new WanProxy({
    targetPort: Number(new URL(counting.endpoint).port),
    delayMs,
    rateBytesPerSecond,
  });
  const port = await wan.start();
  const endpoint = `http://127.0.0.1:${port}/files`;
  return {
    endpoint,
    counting,
    patchSizes: () => patchSizes(counting),
    async close() {
      await wan.close();
      await counting.close();
    },
  };
}

function patchSizes(counting: CountingProxy): number[] {
  return counting.requests.filter((r) => r.method === 'PATCH').map((r) => r.bytes);
}

describe('on an emulated WAN link (our server)', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ fsync: false, maxChunkSize: 3 * MiB + 1 });
  });
  after(() => server.close());

  it("chunkSize 'auto': the server sees PATCHes that grow, and stores the source", {
    timeout: 60_000,
  }, async () => {
    const open = await startOurServer({ fsync: false });
    const wan = await link(open, 20, 40 * MiB);
    const client = new TusClient(wan.endpoint);
    try {
      const data = bytes(24 * MiB + 5, 14);
      const seen: UploadStats[] = [];
      const url = await client.uploadFile({ input: data, onProgress: (s) => seen.push(s) });
      assert.equal(await sha256File(open.dataPath(url)), sha256(data));
      const sizes = wan.patchSizes();
      assert.equal(sizes[0], MiB, `first PATCH of the seed's 1 MiB: ${sizes}`);
      assert.ok(sizes.length >= 2 && sizes.length < 12, `${sizes.length} PATCHes: ${sizes}`);
      assert.ok(Math.max(...sizes) >= 4 * MiB, `the chunks grew: ${sizes}`);
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        data.length,
        'each byte sent once',
      );
      // stats say which chunk size is in use
      assert.ok(seen.some((s) => s.chunkSize > MiB));
    } finally {
      await client.close();
      await wan.close();
      await open.close();
    }
  });

  it('a server that answers 413 above 3 MiB still gets the whole upload', {
    timeout: 60_000,
  }, async () => {
    const wan = await link(server, 10, 60 * MiB);
    const statuses: number[] = [];
    const client = new TusClient(wan.endpoint, {
      afterResponse: (method, _url, status) => {
        if (method === 'PATCH') statuses.push(status);
      },
    });
    try {
      const data = bytes(20 * MiB + 9, 15);
      const url = await client.uploadFile({ input: data });
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      assert.ok(statuses.includes(413), `the server refused some: ${statuses}`);
      assert.ok(statuses.filter((s) => s === 413).length <= 6, `${statuses}`);
      // Once refused, later chunks stay within what the server takes.
      const sizes = wan.patchSizes();
      const accepted = sizes.filter((_, i) => statuses[i] === 204);
      assert.ok(
        accepted.every((size) => size <= 3 * MiB + 1),
        `${sizes} / ${statuses}`,
      );
    } finally {
      await client.close();
      await wan.close();
    }
  });

  it('a fixed chunkSize stays exact on the same link (hosted endpoints need exact sizes)', {
    timeout: 60_000,
  }, async () => {
    const wan = await link(server, 10, 60 * MiB);
    const client = new TusClient(wan.endpoint, { chunkSize: 768 * 1024 });
    try {
      const data = bytes(5 * MiB, 16);
      const url = await client.uploadFile({ input: data });
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      const sizes = wan.patchSizes();
      assert.deepEqual(sizes.slice(0, -1), new Array(sizes.length - 1).fill(768 * 1024));
    } finally {
      await client.close();
      await wan.close();
    }
  });

  it('progress events arrive within one 8 MiB chunk', { timeout: 60_000 }, async () => {
    const open = await startOurServer({ fsync: false });
    const wan = await link(open, 10, 16 * MiB);
    const client = new TusClient(wan.endpoint, { chunkSize: 8 * MiB });
    try {
      const data = bytes(8 * MiB, 17);
      const seen: UploadStats[] = [];
      const url = await client.uploadFile({ input: data, onProgress: (s) => seen.push(s) });
      assert.equal(await sha256File(open.dataPath(url)), sha256(data));
      const within = seen.filter((s) => !isChunkEnd(s));
      assert.ok(within.length >= 2, `${within.length} reports within the chunk`);
      assert.ok(within.every((s) => s.bytesUploaded === 0 && s.bytesSent > 0));
      assert.ok(
        within.some((s) => s.bytesSent < data.length),
        'some before the whole was sent',
      );
      assert.equal(seen.filter(isChunkEnd).length, 1);
    } finally {
      await client.close();
      await wan.close();
      await open.close();
    }
  });

  it('chunks that take ~10x the timeout to send, but never pause for it, complete', {
    timeout: 90_000,
  }, async () => {
    const open = await startOurServer({ fsync: false });
    // 2 MiB/s: an 8 MiB chunk takes ~4 s, ten times the 400 ms timeout.
    const wan = await link(open, 10, 2 * MiB);
    const client = new TusClient(wan.endpoint, {
      chunkSize: 8 * MiB,
      timeout: 400,
      maxRetries: 0,
    });
    try {
      const data = bytes(16 * MiB, 18);
      const url = await client.uploadFile({ input: data });
      assert.equal(await sha256File(open.dataPath(url)), sha256(data));
      assert.deepEqual(wan.patchSizes(), [8 * MiB, 8 * MiB], 'no chunk was sent twice');
    } finally {
      await client.close();
      await wan.close();
      await open.close();
    }
  });

  it('a connection that freezes mid-chunk still fails after the timeout, typed', {
    timeout: 30_000,
  }, async () => {
    const open = await startOurServer({ fsync: false });
    // The first chunk shows the link's rate; the second freezes after 1 MiB.
    const frozen = await startFaultProxy(open.endpoint, {
      decide: (req) =>
        req.method === 'PATCH' && req.nth === 2
          ? { kind: 'stall', afterBytes: MiB, ms: 60_000 }
          : undefined,
    });
    const client = new TusClient(frozen.endpoint, {
      chunkSize: 24 * MiB,
      timeout: 1000,
      maxRetries: 0,
    });
    try {
      const error = await client
        .uploadFile({ input: bytes(48 * MiB, 19) })
        .catch((e: unknown) => e);
      assert.ok(error instanceof TusUploadFailed, String(error));
      assert.ok(error.cause instanceof TusStallError, String(error.cause));
      assert.match(
        (error.cause as Error).message,
        /no data moved for 1000 ms \(timeout\) while sending/,
      );
    } finally {
      await client.close();
      await frozen.close();
      await open.close();
    }
  });
});
