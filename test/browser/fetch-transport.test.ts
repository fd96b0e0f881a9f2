/**
 * The fetch transport, run in Node (whose fetch follows the same standard) against a
 * scripted HTTP server on 127.0.0.1: what it sends, what it returns, and how it fails.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../src/index.browser.js';
import { FetchTransport } from '../../src/transport/fetch-transport.js';
import type { HttpRequest } from '../../src/transport/http-transport.js';
import { startTusNodeServer } from '../helpers/tus-node-server.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

describe('FetchTransport', () => {
  let server: Server;
  let base: string;
  let handler: Handler = (_req, res) => res.end();
  const seen: Seen[] = [];
  const transport = new FetchTransport({ verifyTlsCert: true });

  before(async () => {
    server = createServer((req, res) => {
      const pieces: Buffer[] = [];
      req.on('data', (piece: Buffer) => pieces.push(piece));
      req.on('end', () => {
        const body = Buffer.concat(pieces);
        seen.push({ method: req.method ?? '', headers: req.headers, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const request = (overrides: Partial<HttpRequest> = {}) =>
    transport.request({
      method: 'GET',
      url: `${base}/x`,
      headers: {},
      timeout: 10_000,
      ...overrides,
    });

  it('returns status, lower-case headers and the body as text', async () => {
    handler = (_req, res) => {
      res.writeHead(201, { 'Upload-Offset': '42', Location: '/files/a' }).end('créé');
    };
    const response = await request({ method: 'POST', headers: { 'Upload-Length': '42' } });
    assert.equal(response.status, 201);
    assert.equal(response.headers['upload-offset'], '42');
    assert.equal(response.headers.location, '/files/a');
    assert.equal(response.body, 'créé');
  });

  it('sends the body as is with its Content-Length; POST/PATCH without one send 0', async () => {
    handler = (_req, res) => res.writeHead(204).end();
    const body = makeBytes(300_001, 2);
    const progress: number[] = [];
    await request({
      method: 'PATCH',
      body,
      onUploadProgress: (n) => progress.push(n),
      headers: { 'Upload-Offset': '0' },
    });
    const patch = seen.at(-1)!;
    assert.equal(patch.method, 'PATCH');
    assert.equal(patch.headers['content-length'], '300001');
    assert.equal(patch.headers['upload-offset'], '0');
    assert.equal(sha256Hex(patch.body), sha256Hex(body));
    assert.deepEqual(progress, [300_001], 'one report, once the server has answered');
    await request({ method: 'POST' });
    assert.equal(seen.at(-1)!.headers['content-length'], '0');
  });

  it('turns Cache-Control: no-store into the cache mode (no header, so no CORS preflight)', async () => {
    handler = (_req, res) => res.writeHead(200).end();
    await request({ method: 'HEAD', headers: { 'Cache-Control': 'no-store', 'X-Other': 'kept' } });
    const head = seen.at(-1)!;
    assert.equal(head.headers['x-other'], 'kept');
    // Our header is gone; the fetch implementation may add its own (Node's says no-cache).
    assert.notEqual(head.headers['cache-control'], 'no-store');
  });

  it('keeps at most maxResponseBody bytes of the body', async () => {
    handler = (_req, res) => res.writeHead(500).end('x'.repeat(100_000));
    const response = await request({ maxResponseBody: 1000 });
    assert.equal(response.status, 500);
    assert.equal(response.body, 'x'.repeat(1000));
  });

  it('no answer within timeout: TusTimeoutError', async () => {
    handler = () => {}; // never answers
    await assert.rejects(request({ timeout: 150 }), (error: unknown) => {
      assert.equal((error as { code?: string }).code, 'TUS_ERR_TIMEOUT');
      assert.match(
        (error as Error).message,
        /GET http:\/\/127\.0\.0\.1:\d+\/x: no answer came within 150 ms/,
      );
      return true;
    });
  });

  it('an answer body that stops coming: TusTimeoutError (the answer is due within timeout)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('part of it');
    };
    await assert.rejects(request({ timeout: 200 }), (error: unknown) => {
      assert.equal((error as { code?: string }).code, 'TUS_ERR_TIMEOUT');
      assert.match((error as Error).message, /the answer did not complete within 200 ms/);
      return true;
    });
  });

  it('abort in flight rejects with the signal reason; an aborted signal sends nothing', async () => {
    handler = () => {};
    const controller = new AbortController();
    const reason = new Error('stop now');
    const pending = request({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(pending, (error: unknown) => error === reason);
    const count = seen.length;
    await assert.rejects(
      request({ signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
    );
    assert.equal(seen.length, count, 'no request was made');
  });

  it('a body cut off by the server: TusNetworkError carrying the status', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('part of it', () => res.destroy());
    };
    await assert.rejects(request(), (error: unknown) => {
      const e = error as { code?: string; status?: number; message: string };
      assert.equal(e.code, 'TUS_ERR_NETWORK');
      assert.equal(e.status, 200);
      assert.match(e.message, /response broke off/);
      return true;
    });
  });

  it('nothing listening: TusNetworkError naming the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(request({ url: `http://127.0.0.1:${port}/files` }), (error: unknown) => {
      assert.equal((error as { code?: string }).code, 'TUS_ERR_NETWORK');
      assert.match((error as Error).message, /ECONNREFUSED/);
      return true;
    });
  });

  it('verifyTlsCert: false is refused with a RangeError naming it', () => {
    assert.throws(
      () => new FetchTransport({ verifyTlsCert: false }),
      (e: unknown) => e instanceof RangeError && /verifyTlsCert/.test(e.message),
    );
    assert.throws(
      () => new TusClient('http://127.0.0.1:1/files', { verifyTlsCert: false }),
      RangeError,
    );
  });
});

describe('the browser TusClient, run in Node over fetch', () => {
  it('uploads a Blob to @tus/server, byte for byte', async () => {
    const tus = await startTusNodeServer();
    const client = new TusClient(tus.endpoint, { chunkSize: 256 * 1024 });
    try {
      const bytes = makeBytes(1_000_003, 4);
      const url = await client.uploadFile({ input: new Blob([bytes]) });
      assert.equal(await fileSha256(tus.dataPath(url)), sha256Hex(bytes));
      const info = await client.getUploadInfo(url);
      assert.equal(info.offset, 1_000_003);
      assert.equal(info.complete, true);
    } finally {
      await client.close();
      await tus.close();
    }
  });

  it('refuses filePath: the browser has no files by path', async () => {
    const client = new TusClient('http://127.0.0.1:1/files');
    await assert.rejects(
      client.uploadFile({ filePath: '/etc/hostname' }),
      (e: unknown) =>
        e instanceof TypeError && /filePath is only available in Node/.test(e.message),
    );
  });
});
