/**
 * Issue 15, point 5: a PATCH whose client vanished without a FIN (a phone changing
 * networks) does not hold the upload. A newer request for it ends the stale one, which
 * records what it received, and the resuming client gets in at once; with nothing newer,
 * the body idle timeout ends it. No byte is lost or stored twice.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TusClient } from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, patch, send, TUS } from '../../helpers/raw-http.js';
import { MiB, offsetOf, until } from './fixtures/by-hand.js';

/** A PATCH that sends `sent` bytes of a longer body, then nothing, and never closes. */
async function vanishingPatch(
  url: string,
  offset: number,
  body: Buffer,
  sent: number,
): Promise<Socket> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {});
  socket.write(
    `PATCH ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nTus-Resumable: 1.0.0\r\n` +
      `Content-Type: application/offset+octet-stream\r\nUpload-Offset: ${offset}\r\n` +
      `Content-Length: ${body.length - offset}\r\n\r\n`,
  );
  await new Promise<void>((resolve) =>
    socket.write(body.subarray(offset, offset + sent), () => resolve()),
  );
  return socket;
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) =>
    socket.destroyed ? resolve() : socket.once('close', () => resolve()),
  );

describe('a half-open PATCH and the client that comes back', () => {
  let server: StartedOurServer;
  before(async () => {
    // No idle timeout: only the newer request can end the stale one here.
    server = await startOurServer({ fsync: false, bodyIdleTimeoutMs: Number.POSITIVE_INFINITY });
  });
  after(() => server.close());

  it('by hand: HEAD, then a PATCH that ends the stale one; its 409 says where; the rest goes from there', async () => {
    const source = randomBytes(2 * MiB);
    const url = await create(server.endpoint, { 'Upload-Length': String(source.length) });
    const stale = await vanishingPatch(url, 0, source, 300_000);
    await sleep(100); // the stale PATCH reaches the server first (ordering only, nothing timed)
    const fromHead = await offsetOf(url);
    let answer = await patch(url, fromHead, source.subarray(fromHead));
    if (answer.status === 409) {
      const offset = Number(answer.headers['upload-offset']);
      assert.ok(offset > 0 && offset <= 300_000, `the stale PATCH recorded ${offset}`);
      answer = await patch(url, offset, source.subarray(offset));
    }
    assert.equal(answer.status, 204, answer.body);
    await closed(stale);
    assert.ok((await readFile(server.dataPath(url))).equals(source), 'no byte lost or doubled');
  });

  it('the client library resumes at once (no 423 until a timeout) and stores the exact source', {
    timeout: 30_000,
  }, async () => {
    const source = randomBytes(3 * MiB + 17);
    const url = await create(server.endpoint, { 'Upload-Length': String(source.length) });
    assert.equal((await patch(url, 0, source.subarray(0, MiB))).status, 204);
    const stale = await vanishingPatch(url, MiB, source, 500_000);
    const client = new TusClient(server.endpoint, {
      retryDelay: 10,
      maxRetries: 2,
      chunkSize: MiB,
    });
    try {
      await client.resumeUpload({ uploadUrl: url, input: source });
    } finally {
      await client.close();
    }
    await closed(stale);
    assert.ok((await readFile(server.dataPath(url))).equals(source), 'no byte lost or doubled');
    const head = await send('HEAD', url, { headers: TUS });
    assert.equal(head.headers['upload-offset'], String(source.length));
  });
});

describe('a half-open PATCH with nothing coming after it', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ fsync: false, bodyIdleTimeoutMs: 300 });
  });
  after(() => server.close());

  it('the body idle timeout ends it and records what arrived', async () => {
    const source = randomBytes(MiB);
    const url = await create(server.endpoint, { 'Upload-Length': String(source.length) });
    const stale = await vanishingPatch(url, 0, source, 200_000);
    await closed(stale);
    await until(async () => (await offsetOf(url)) === 200_000, 'the received bytes recorded');
    const stored = await readFile(server.dataPath(url));
    assert.ok(stored.equals(source.subarray(0, 200_000)));
  });
});
