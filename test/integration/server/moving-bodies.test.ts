/**
 * A body that is still moving is never cut (issue 25, defect 7). Node's default
 * `requestTimeout` (300 s) answers 408 to a PATCH still sending; with a checksum nothing is
 * kept, so a chunk slower than that could never be accepted. Our http servers
 * (`createUploadHttpServer`, used by `listen()` and `serve`) turn it off; the server's own
 * idle bound ends stalls. Node's cap is scaled down here (600 ms, checked every 50 ms) to
 * show, in a second, what it does at 300 s, and that the same trickle goes through ours.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  configureUploadHttpServer,
  createTusServer,
  createUploadHttpServer,
  type TusServer,
} from '../../../src/server/index.js';
import { create, TUS } from '../../helpers/raw-http.js';
import { offsetOf, openPatch } from './fixtures/by-hand.js';

/** Node's checks, scaled down: a request is cut after 600 ms, looked at every 50 ms. */
const SCALED = { headersTimeout: 500, connectionsCheckingInterval: 50 } as const;
const NODE_CAP_MS = 600;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}/files`;
}

/**
 * A PATCH of `data` with its checksum, 64 bytes every 100 ms (well within the idle bound),
 * lasting about 3× Node's scaled cap: resolves with the status, or `'cut'` when the
 * connection ended without a usable answer.
 */
async function trickle(url: string, data: Buffer): Promise<number | 'cut'> {
  const sha1 = createHash('sha1').update(data).digest('base64');
  const patch = openPatch(url, 0, data.length, { 'Upload-Checksum': `sha1 ${sha1}` });
  const pieces = Math.ceil(data.length / 64);
  try {
    for (let i = 0; i < pieces - 1; i++) {
      await patch.write(data.subarray(i * 64, (i + 1) * 64));
      await sleep(100);
    }
    return await patch.end(data.subarray((pieces - 1) * 64));
  } catch {
    return 'cut';
  }
}

describe('our server: a moving body is never cut, a stalled one is', () => {
  let directory: string;
  let tus: TusServer;
  const servers: Server[] = [];
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'moving-bodies-'));
    tus = createTusServer({ directory, path: '/files', bodyIdleTimeoutMs: 3000 });
    await tus.ready();
  });
  after(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await tus.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('the http servers we make or are given have no requestTimeout; headersTimeout stays', async () => {
    const made = createUploadHttpServer(() => {});
    assert.equal(made.requestTimeout, 0);
    // Node derives headersTimeout from requestTimeout: 0 would turn it off too.
    assert.equal(made.headersTimeout, createServer().headersTimeout);
    assert.equal(made.headersTimeout, 60_000);
    const given = configureUploadHttpServer(createServer());
    assert.equal(given.requestTimeout, 0);
    assert.equal(given.headersTimeout, 60_000);
    const bare = createServer({ requestTimeout: 0 });
    assert.equal(bare.headersTimeout, 0, 'Node turns headersTimeout off with requestTimeout 0');
    assert.equal(configureUploadHttpServer(bare).headersTimeout, 60_000);
    const own = createTusServer({ directory, path: '/files' });
    try {
      await own.listen(0, '127.0.0.1');
      assert.equal(own.httpServer?.requestTimeout, 0);
    } finally {
      await own.close();
    }
  });

  it('Node’s cap (scaled down) cuts a PATCH still trickling, and nothing of it is kept', async () => {
    const server = createServer({ ...SCALED, requestTimeout: NODE_CAP_MS }, (req, res) =>
      tus.handle(req, res),
    );
    servers.push(server);
    const endpoint = await listen(server);
    const data = randomBytes(64 * 18);
    const url = await create(endpoint, { 'Upload-Length': String(data.length) });
    const outcome = await trickle(url, data);
    assert.ok(outcome === 408 || outcome === 'cut', `outcome ${outcome}`);
    assert.equal(await offsetOf(url), 0);
  });

  it('the same trickle through createUploadHttpServer is accepted whole', async () => {
    const server = createUploadHttpServer((req, res) => tus.handle(req, res), SCALED);
    servers.push(server);
    const endpoint = await listen(server);
    const data = randomBytes(64 * 18);
    const url = await create(endpoint, { 'Upload-Length': String(data.length) });
    assert.equal(await trickle(url, data), 204);
    assert.equal(await offsetOf(url), data.length);
    const id = new URL(url).pathname.split('/').pop() ?? '';
    assert.ok((await readFile(tus.dataPath(id))).equals(data));
  });

  it('without requestTimeout, a body answered before it was read is not kept open once it stops moving', async () => {
    const quick = createTusServer({ directory, path: '/files', bodyIdleTimeoutMs: 200 });
    try {
      const endpoint = await quick.listen(0, '127.0.0.1');
      // Node's keepAliveTimeout (5 s) bounds the idle time after an answer, while it drops
      // the rest of the body too; scaled down here.
      if (quick.httpServer !== undefined) quick.httpServer.keepAliveTimeout = 300;
      const url = await create(endpoint, { 'Upload-Length': '1000' });
      const target = new URL(url);
      const socket = connect(Number(target.port), target.hostname);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      let answer = '';
      socket.on('data', (data: Buffer) => {
        answer += data.toString('latin1');
      });
      socket.on('error', () => {});
      // Upload-Offset 5 is wrong (409 before any byte is read); 10 of 1000 bytes, then a stall.
      socket.write(
        `PATCH ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nTus-Resumable: ${TUS['Tus-Resumable']}\r\n` +
          'Content-Type: application/offset+octet-stream\r\nUpload-Offset: 5\r\nContent-Length: 1000\r\n\r\n0123456789',
      );
      const ended = await Promise.race([closed.then(() => true), sleep(5000).then(() => false)]);
      socket.destroy();
      assert.match(answer, /^HTTP\/1\.1 409/);
      assert.ok(ended, 'the stalled connection was ended');
    } finally {
      await quick.close();
    }
  });
});
