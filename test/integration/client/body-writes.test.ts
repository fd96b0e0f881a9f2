/**
 * How the Node transport hands a chunk to the socket, against a real @tus/server: small
 * writes (progress within the chunk) until a rate is known, one write when the last rate
 * says the chunk leaves at once, and the same bytes at the server either way.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { NodeTransport } from '../../../src/transport/node-transport.node.js';
import { MIN_WRITE_SLICE } from '../../../src/transport/write-pacing.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, KiB, MiB, sha256 } from './fixtures.js';

const TUS = { 'Tus-Resumable': '1.0.0' };

describe('body writes (Node transport)', () => {
  let server: StartedTusServer;
  let origin: string;

  before(async () => {
    server = await startTusNodeServer();
    origin = new URL(server.endpoint).origin;
  });
  after(() => server.close());

  /** Runs `body` with a fresh transport (no rate measured yet), closed after. */
  async function withTransport(body: (transport: NodeTransport) => Promise<void>) {
    const transport = new NodeTransport({ verifyTlsCert: true });
    try {
      await body(transport);
    } finally {
      await transport.close();
    }
  }

  async function create(transport: NodeTransport, length: number): Promise<string> {
    const created = await transport.request({
      method: 'POST',
      url: server.endpoint,
      headers: { ...TUS, 'Upload-Length': String(length) },
      timeout: 10_000,
    });
    assert.equal(created.status, 201);
    return new URL(created.headers.location ?? '', server.endpoint).href;
  }

  /** PATCHes `body` at `offset`; resolves with the status and the progress reported. */
  async function patch(transport: NodeTransport, url: string, offset: number, body: Uint8Array) {
    const progress: number[] = [];
    const response = await transport.request({
      method: 'PATCH',
      url,
      headers: {
        ...TUS,
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
      },
      body,
      timeout: 30_000,
      onUploadProgress: (sent) => progress.push(sent),
    });
    return { response, progress };
  }

  it('writes in 128 KiB slices while no rate is known, reporting progress after each', () =>
    withTransport(async (transport) => {
      const data = bytes(MiB, 11);
      const url = await create(transport, data.length);
      const { response, progress } = await patch(transport, url, 0, data);
      assert.equal(response.status, 204);
      assert.equal(response.headers['upload-offset'], String(MiB));
      const slices = MiB / MIN_WRITE_SLICE;
      assert.deepEqual(
        progress,
        Array.from({ length: slices }, (_, i) => (i + 1) * MIN_WRITE_SLICE),
      );
      assert.equal(sha256(await readFile(server.dataPath(url))), sha256(data));
    }));

  it('writes a chunk in one call after a fast answer, in half-MiB slices after a slower one', () =>
    withTransport(async (transport) => {
      const data = bytes(3 * MiB, 12);
      const url = await create(transport, data.length);
      // 1 MiB answered in 1 ms: a 20 ms slice would be 20 MiB
      transport.pacing.measured(origin, MiB, 1);
      const fast = await patch(transport, url, 0, data.subarray(0, MiB));
      assert.equal(fast.response.status, 204);
      assert.deepEqual(fast.progress, [MiB]);
      // 1 MiB in 40 ms: 512 KiB per 20 ms
      transport.pacing.measured(origin, MiB, 40);
      const slower = await patch(transport, url, MiB, data.subarray(MiB, 2 * MiB));
      assert.equal(slower.response.status, 204);
      assert.deepEqual(slower.progress, [512 * KiB, MiB]);
      // no rate: back to the smallest slices
      transport.pacing.forget(origin);
      const fresh = await patch(transport, url, 2 * MiB, data.subarray(2 * MiB));
      assert.equal(fresh.response.headers['upload-offset'], String(3 * MiB));
      assert.equal(fresh.progress.length, MiB / MIN_WRITE_SLICE);
      assert.equal(sha256(await readFile(server.dataPath(url))), sha256(data));
    }));

  it('measures the rate of an accepted body, no lower than the rate the caller timed', () =>
    withTransport(async (transport) => {
      const data = bytes(MiB, 13);
      const url = await create(transport, data.length);
      assert.equal(
        transport.pacing.rateOf(origin),
        undefined,
        'a POST without body measures nothing',
      );
      const started = performance.now();
      const { response } = await patch(transport, url, 0, data);
      const seenMs = performance.now() - started;
      assert.equal(response.status, 204);
      const rate = transport.pacing.rateOf(origin);
      assert.ok(rate !== undefined && Number.isFinite(rate), `rate ${String(rate)}`);
      // the transport times from its first write to the answer, inside the caller's span
      assert.ok(rate >= MiB / seenMs, `${rate} bytes/ms < ${MiB / seenMs} seen by the caller`);
    }));

  it('does not measure a refused body, and forgets the rate when a request fails', () =>
    withTransport(async (transport) => {
      const data = bytes(MiB, 14);
      const url = await create(transport, 2 * MiB);
      // wrong offset: @tus/server answers 409 without storing the body
      const refused = await patch(transport, url, 5, data);
      assert.equal(refused.response.status, 409);
      assert.equal(transport.pacing.rateOf(origin), undefined);

      transport.pacing.measured(origin, MiB, 1);
      const gone = await startTusNodeServer();
      const goneUrl = `${new URL(gone.endpoint).origin}/files/nothing`;
      await gone.close();
      const goneOrigin = new URL(goneUrl).origin;
      transport.pacing.measured(goneOrigin, MiB, 1);
      await assert.rejects(patch(transport, goneUrl, 0, data), { name: 'TusNetworkError' });
      assert.equal(transport.pacing.rateOf(goneOrigin), undefined);
      assert.ok(transport.pacing.rateOf(origin) !== undefined, 'other origins keep theirs');
    }));

  it(
    'a body written in one call still stalls out when the server stops reading',
    {
      timeout: 20_000,
    },
    () =>
      withTransport(async (transport) => {
        // a server that takes the connection and never reads from it
        const held: Socket[] = [];
        const deaf = createServer((socket) => {
          socket.pause();
          held.push(socket);
        });
        await new Promise<void>((resolve) => deaf.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(deaf.address() as AddressInfo).port}/files/deaf`;
        const deafOrigin = new URL(url).origin;
        try {
          transport.pacing.measured(deafOrigin, MiB, 1);
          const body = new Uint8Array(64 * MiB);
          const progress: number[] = [];
          await assert.rejects(
            transport.request({
              method: 'PATCH',
              url,
              headers: { ...TUS, 'Upload-Offset': '0' },
              body,
              timeout: 300,
              onUploadProgress: (sent) => progress.push(sent),
            }),
            { name: 'TusStallError', code: 'TUS_ERR_STALLED' },
          );
          // one write (whose end the kernel may or may not have taken), never a slice
          assert.ok(
            progress.every((sent) => sent === body.byteLength),
            String(progress),
          );
          assert.equal(transport.pacing.rateOf(deafOrigin), undefined);
        } finally {
          for (const socket of held) socket.destroy();
          await new Promise<void>((resolve) => deaf.close(() => resolve()));
        }
      }),
  );
});
