/**
 * Our server keeps offset and bytes consistent: one writer per upload, a client that goes
 * away, a DELETE during a PATCH, a graceful close, and a server process killed mid-PATCH.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTusServer } from '../../../src/server/index.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, patch, send, TUS } from '../../helpers/raw-http.js';
import { fileSize, idOf, MiB, offsetOf, openPatch, until } from './fixtures/by-hand.js';
import { startServerChild } from './fixtures/server-child.js';

describe('our server: one writer per upload, clients that go away', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ closeTimeoutMs: 200 });
  });
  after(() => server.close());

  it('a second PATCH ends the first one, which keeps what it received; the second resumes from there', async () => {
    const data = randomBytes(64 * 1024);
    const url = await create(server.endpoint, { 'Upload-Length': String(data.length) });
    const first = openPatch(url, 0, data.length);
    await first.write(data.subarray(0, 1000));
    await sleep(200);
    const second = await patch(url, 0, data);
    if (second.status === 409) {
      // The first one recorded what it had: the 409 says how much, the rest goes from there.
      const offset = Number(second.headers['upload-offset']);
      assert.ok(offset > 0 && offset <= 1000, `offset ${offset}`);
      assert.equal((await patch(url, offset, data.subarray(offset))).status, 204);
    } else {
      assert.equal(second.status, 204, `second PATCH: ${second.status} ${second.body}`);
    }
    await assert.rejects(first.answer, 'the first PATCH was ended');
    assert.ok((await readFile(server.dataPath(url))).equals(data));
  });

  it('a client gone mid-PATCH keeps what arrived: offset = file size, bytes = the prefix', async () => {
    const data = randomBytes(4 * MiB);
    const url = await create(server.endpoint, { 'Upload-Length': String(data.length) });
    const cut = openPatch(url, 0, data.length);
    await cut.write(data.subarray(0, 3 * MiB));
    await until(async () => (await fileSize(server.dataPath(url))) > 0, 'bytes on disk');
    cut.cut();
    await until(async () => (await offsetOf(url)) > 0, 'the offset to move');
    const offset = await offsetOf(url);
    assert.ok(offset <= 3 * MiB);
    const stored = await readFile(server.dataPath(url));
    assert.equal(stored.length, offset);
    assert.ok(stored.equals(data.subarray(0, offset)));
    assert.equal((await patch(url, offset, data.subarray(offset))).status, 204);
    assert.ok((await readFile(server.dataPath(url))).equals(data));
  });

  it('a client gone mid-PATCH with a checksum keeps nothing of that PATCH', async () => {
    const data = randomBytes(3 * MiB);
    const url = await create(server.endpoint, { 'Upload-Length': String(data.length) });
    const sha1 = createHash('sha1').update(data).digest('base64');
    const cut = openPatch(url, 0, data.length, { 'Upload-Checksum': `sha1 ${sha1}` });
    await cut.write(data.subarray(0, 2 * MiB));
    await until(async () => (await fileSize(server.dataPath(url))) > 0, 'bytes on disk');
    cut.cut();
    await until(async () => (await fileSize(server.dataPath(url))) === 0, 'the bytes to go');
    assert.equal(await offsetOf(url), 0);
  });

  it('DELETE during a PATCH interrupts it and removes the upload', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': String(MiB) });
    const writing = openPatch(url, 0, MiB);
    await writing.write(randomBytes(1000));
    await sleep(100);
    assert.equal((await send('DELETE', url, { headers: TUS })).status, 204);
    await assert.rejects(writing.answer);
    assert.equal(existsSync(server.dataPath(url)), false);
  });
});

describe('our server: close and crash', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'our-server-crash-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  it('close() lets a stuck PATCH go after closeTimeoutMs and records what arrived', async () => {
    const tus = createTusServer({ directory, closeTimeoutMs: 100 });
    const endpoint = await tus.listen();
    const data = randomBytes(3 * MiB);
    const url = await create(endpoint, { 'Upload-Length': String(data.length) });
    const stuck = openPatch(url, 0, data.length);
    await stuck.write(data.subarray(0, 2 * MiB));
    await until(async () => (await fileSize(tus.dataPath(idOf(url)))) > 0, 'bytes on disk');
    await tus.close();
    const recorded = await tus.getUpload(idOf(url));
    assert.ok(recorded !== undefined && recorded.offset > 0);
    const stored = await readFile(tus.dataPath(idOf(url)));
    assert.equal(stored.length, recorded.offset);
    assert.ok(stored.equals(data.subarray(0, recorded.offset)));
  });

  it('a server killed mid-PATCH restarts with offset and bytes consistent', async () => {
    const data = randomBytes(4 * MiB);
    let child = await startServerChild(directory);
    let url: string;
    try {
      url = await create(child.endpoint, { 'Upload-Length': String(data.length) });
      assert.equal((await patch(url, 0, data.subarray(0, 256 * 1024))).status, 204);
      const doomed = openPatch(url, 256 * 1024, data.length - 256 * 1024);
      await doomed.write(data.subarray(256 * 1024, 2 * MiB));
      const path = join(directory, idOf(url));
      await until(async () => (await fileSize(path)) > 256 * 1024, 'unrecorded bytes on disk');
      await child.kill();
      await assert.rejects(doomed.answer);
    } finally {
      await child.kill();
    }
    child = await startServerChild(directory);
    try {
      const restarted = new URL(new URL(url).pathname, child.endpoint).href;
      assert.equal(await offsetOf(restarted), 256 * 1024);
      assert.equal(await fileSize(join(directory, idOf(url))), 256 * 1024);
      const rest = data.subarray(256 * 1024);
      assert.equal((await patch(restarted, 256 * 1024, rest)).status, 204);
      assert.ok((await readFile(join(directory, idOf(url)))).equals(data));
    } finally {
      await child.kill();
    }
  });
});
