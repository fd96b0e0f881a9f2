/**
 * Our client with each IETF draft value of `protocol` (ietf-draft-03, -05, -12: interop 5,
 * 6, 8) against our server over real HTTP: whole and chunked uploads, an unknown-length
 * stream, a 409 resync, abort then resume, cancellation, getUploadInfo, Upload-Limit's
 * max-append-size below the chunk size, a Content-Digest mismatch retried, and
 * concatenation refused before any request. Every request is recorded where the server
 * receives it; the stored bytes are compared with the input.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  TusAbortError,
  TusClient,
  type TusClientOptions,
  TusCommunicationError,
  TusExtensionUnsupportedError,
} from '../../../src/index.node.js';
import { DRAFT_PROTOCOLS, type DraftProtocol } from '../../../src/protocol/ietf/interop.js';
import { lowerOffset } from '../../faults/schedule.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { startOurServer } from '../../helpers/our-server.js';
import { flipMiddleByte, startTamperProxy } from '../../helpers/tamper-proxy.js';

interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
  status: number;
}

/** Our server with every request it answers recorded (method, headers, Content-Length, status). */
async function recordingServer(options: Parameters<typeof startOurServer>[0] = {}) {
  const server = await startOurServer(options);
  const seen: Seen[] = [];
  server.server.httpServer?.prependListener('request', (req, res) => {
    // The body's size as declared (a 'data' listener here would take the bytes from the server).
    const bodyBytes = Number(req.headers['content-length'] ?? 0);
    res.on('finish', () => {
      seen.push({
        method: req.method ?? '',
        headers: req.headers,
        bodyBytes,
        status: res.statusCode,
      });
    });
  });
  return { ...server, seen };
}

for (const protocol of Object.keys(DRAFT_PROTOCOLS) as DraftProtocol[]) {
  const version = String(DRAFT_PROTOCOLS[protocol]);
  const hasLimits = protocol !== 'ietf-draft-03';

  describe(`our client with protocol ${protocol} (interop ${version}) to our server`, () => {
    let server: Awaited<ReturnType<typeof recordingServer>>;
    const clients: TusClient[] = [];
    const client = (options: TusClientOptions = {}, endpoint = server.endpoint) => {
      const made = new TusClient(endpoint, { protocol, retryDelay: 10, ...options });
      clients.push(made);
      return made;
    };
    before(async () => {
      server = await recordingServer();
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      server.seen.length = 0;
    });
    after(() => server.close());

    it('uploads the whole input; every request is the draft’s, with this interop version', async () => {
      const data = randomBytes(700_000);
      const c = client({ chunkSize: 300_000 });
      const url = await c.uploadFile({ input: data, metadata: { filename: 'é.bin' } });
      assert.deepEqual(await readFile(server.dataPath(url)), data);
      assert.ok(server.seen.length >= 4);
      for (const request of server.seen) {
        assert.equal(request.headers['upload-draft-interop-version'], version, request.method);
        assert.equal(request.headers['tus-resumable'], undefined);
      }
      const [create, ...appends] = server.seen;
      assert.equal(create?.method, 'POST');
      assert.equal(create?.headers['upload-complete'], '?0');
      assert.equal(
        create?.headers['upload-length'],
        protocol === 'ietf-draft-03' ? undefined : '700000',
      );
      assert.match(String(create?.headers['content-disposition']), /filename\*=UTF-8''%C3%A9\.bin/);
      assert.deepEqual(
        appends.map((r) => [r.method, r.bodyBytes, r.headers['upload-complete']]),
        [
          ['PATCH', 300_000, '?0'],
          ['PATCH', 300_000, '?0'],
          ['PATCH', 100_000, '?1'],
        ],
      );
      for (const append of appends) {
        assert.match(String(append.headers['content-digest']), /^sha-256=:[A-Za-z0-9+/]+=*:$/);
        assert.equal(
          append.headers['content-type'],
          protocol === 'ietf-draft-03' ? undefined : 'application/partial-upload',
        );
      }
      const info = await c.getUploadInfo(url);
      assert.deepEqual(info, { offset: 700_000, length: 700_000, complete: true, metadata: {} });
    });

    it('a stream of unknown length: no length at creation, the last append completes it', async () => {
      const data = randomBytes(250_000);
      const c = client({ chunkSize: 100_000 });
      const url = await c.uploadFile({
        input: Readable.from([data.subarray(0, 120_000), data.subarray(120_000)]),
      });
      assert.deepEqual(await readFile(server.dataPath(url)), data);
      assert.equal(server.seen[0]?.headers['upload-length'], undefined);
      assert.equal(server.seen.at(-1)?.headers['upload-complete'], '?1');
      const stored = await server.server.getUpload(url.split('/').pop() ?? '');
      assert.equal(stored?.length, data.length);
    });

    it('an empty input is one creation with Upload-Complete: ?1', async () => {
      const c = client();
      const url = await c.uploadFile({ input: new Uint8Array(0) });
      assert.deepEqual(
        server.seen.map((r) => [r.method, r.headers['upload-complete']]),
        [['POST', '?1']],
      );
      assert.equal((await c.getUploadInfo(url)).complete, true);
    });

    it('abort, then resume from the URL: the bytes are whole', async () => {
      const data = randomBytes(500_000);
      const controller = new AbortController();
      const c = client({ chunkSize: 100_000 });
      const error = await c
        .uploadFile({
          input: data,
          signal: controller.signal,
          onProgress: (stats) => {
            if (stats.bytesUploaded >= 200_000) controller.abort();
          },
        })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      assert.ok(error instanceof TusAbortError, String(error));
      assert.ok(error.uploadUrl !== undefined);
      const info = await c.getUploadInfo(error.uploadUrl);
      assert.equal(info.complete, false);
      assert.ok(info.offset >= 200_000 && info.offset < data.length, String(info.offset));
      const url = await c.resumeUpload({ uploadUrl: error.uploadUrl, input: data });
      assert.equal(url, error.uploadUrl);
      assert.deepEqual(await readFile(server.dataPath(url)), data);
    });

    it('cancellation: deleteUpload, then the upload is 404', async () => {
      const c = client({ chunkSize: 50_000 });
      const url = await c.uploadFile({ input: randomBytes(60_000), stopAt: 50_000 });
      await c.deleteUpload(url);
      assert.equal(server.seen.at(-1)?.method, 'DELETE');
      assert.equal(server.seen.at(-1)?.status, 204);
      await assert.rejects(
        c.getUploadInfo(url),
        (error: unknown) => error instanceof TusCommunicationError && error.status === 404,
      );
    });

    it('stopAt leaves the upload incomplete (?0 throughout), a resume completes it', async () => {
      const data = randomBytes(300_000);
      const c = client({ chunkSize: 100_000 });
      const url = await c.uploadFile({ input: data, stopAt: 200_000 });
      assert.ok(server.seen.every((r) => r.headers['upload-complete'] === '?0'));
      assert.deepEqual(await c.getUploadInfo(url), {
        offset: 200_000,
        length: hasLimits ? 300_000 : undefined,
        complete: false,
        metadata: {},
      });
      await c.resumeUpload({ uploadUrl: url, input: data });
      assert.deepEqual(await readFile(server.dataPath(url)), data);
    });

    it('parallelUploads and concatenation are refused before any request', async () => {
      const c = client();
      for (const attempt of [
        () => c.uploadFile({ input: randomBytes(1000), parallelUploads: 2 }),
        () => c.createPartialUpload({ input: randomBytes(1000) }),
        () => c.createFinalUpload([`${server.endpoint}/${'a'.repeat(32)}`]),
      ]) {
        await assert.rejects(attempt, (error: unknown) => {
          return (
            error instanceof TusExtensionUnsupportedError &&
            error.message.includes(`the ${protocol} protocol has no concatenation`)
          );
        });
      }
      assert.deepEqual(server.seen, []);
    });

    it('a lost answer makes the client send from a stale offset: 409, resync, done', async () => {
      let lied = false;
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) => {
          if (lied || req.method !== 'PATCH' || req.nth !== 2) return undefined;
          lied = true;
          return { kind: 'edit', edit: lowerOffset };
        },
      });
      try {
        const data = randomBytes(400_000);
        const c = client({ chunkSize: 100_000, checksum: false }, proxy.endpoint);
        const url = await c.uploadFile({ input: data });
        assert.ok(lied);
        const statuses = server.seen.map((r) => `${r.method} ${r.status}`);
        assert.ok(statuses.includes('PATCH 409'), statuses.join(', '));
        const id = new URL(url).pathname.split('/').pop() ?? '';
        assert.deepEqual(await readFile(server.server.dataPath(id)), data);
      } finally {
        await proxy.close();
      }
    });

    it('a chunk whose bytes change on the way fails its Content-Digest, is sent again, bytes right', async () => {
      let flipped = 0;
      const proxy = await startTamperProxy(server.endpoint, {
        tamper: (req) => {
          if (req.method !== 'PATCH' || req.nth !== 2) return req.body;
          flipped++;
          return flipMiddleByte(req.body);
        },
      });
      try {
        const data = randomBytes(300_000);
        const c = client({ chunkSize: 100_000, checksum: 'sha256' }, proxy.endpoint);
        let retries = 0;
        const url = await c.uploadFile({
          input: data,
          onProgress: (stats) => {
            retries = stats.retries;
          },
        });
        assert.equal(flipped, 1);
        assert.ok(retries >= 1);
        assert.ok(server.seen.some((r) => r.method === 'PATCH' && r.status === 400));
        const id = new URL(url).pathname.split('/').pop() ?? '';
        assert.deepEqual(await readFile(server.server.dataPath(id)), data);
      } finally {
        await proxy.close();
      }
    });
  });
}

describe('our client with the draft: Upload-Limit max-append-size below the chunk size', () => {
  let server: Awaited<ReturnType<typeof recordingServer>>;
  before(async () => {
    server = await recordingServer({ maxChunkSize: 64 * 1024 });
  });
  after(() => server.close());

  for (const protocol of ['ietf-draft-05', 'ietf-draft-12'] as const) {
    it(`${protocol}: appends of at most 64 KiB although chunkSize asks 200 000, never a 413`, async () => {
      server.seen.length = 0;
      const data = randomBytes(300_000);
      const c = new TusClient(server.endpoint, { protocol, chunkSize: 200_000 });
      try {
        const url = await c.uploadFile({ input: data });
        assert.deepEqual(await readFile(server.dataPath(url)), data);
      } finally {
        await c.close();
      }
      const appends = server.seen.filter((r) => r.method === 'PATCH');
      assert.ok(appends.length >= 5, String(appends.length));
      assert.ok(appends.every((r) => r.bodyBytes <= 64 * 1024 && r.status < 400));
      assert.ok(server.seen.every((r) => r.status !== 413));
    });
  }

  it('ietf-draft-03 (interop 5 has no Upload-Limit): a fixed chunk over the limit is 413', async () => {
    const c = new TusClient(server.endpoint, { protocol: 'ietf-draft-03', chunkSize: 200_000 });
    try {
      await assert.rejects(
        c.uploadFile({ input: randomBytes(300_000) }),
        (error: unknown) => error instanceof TusCommunicationError && error.status === 413,
      );
    } finally {
      await c.close();
    }
  });
});
