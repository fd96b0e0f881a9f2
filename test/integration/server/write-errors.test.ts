/**
 * Issue 15, point 1: a write error mid-PATCH (EIO, ENOSPC, EFBIG) is answered 500 with
 * Tus-Resumable, records only the bytes the disk took (fsynced), is told to `onError`, and
 * the upload resumes to the exact source. A data file shorter than its recorded offset
 * lowers the offset, at a PATCH and at start, and is never padded with zeros. Once with a
 * store whose writes fail on demand, once for real: a server child under `ulimit -f 2048`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServerErrorContext } from '../../../src/server/index.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, patch, send, TUS } from '../../helpers/raw-http.js';
import { fileSize, idOf, MiB, offsetOf } from './fixtures/by-hand.js';
import { type FaultyFs, faultyFs } from './fixtures/faulty-fs.js';
import { startServerChild } from './fixtures/server-child.js';

/** Offset, data size and bytes agree, and the bytes are the source's prefix. */
async function assertConsistent(url: string, path: string, source: Buffer): Promise<number> {
  const offset = await offsetOf(url);
  const stored = await readFile(path);
  assert.equal(stored.length, offset, 'the data file holds exactly the recorded bytes');
  assert.ok(stored.equals(source.subarray(0, offset)), 'the stored bytes are the prefix');
  return offset;
}

describe('write errors (a store that fails on demand)', () => {
  let server: StartedOurServer;
  let faults: FaultyFs;
  const reported: { error: unknown; context: ServerErrorContext }[] = [];
  before(async () => {
    faults = faultyFs();
    server = await startOurServer({
      fileSystem: faults.fs,
      onError: (error, context) => reported.push({ error, context }),
    });
  });
  after(() => server.close());

  for (const code of ['EIO', 'ENOSPC', 'EFBIG']) {
    it(`${code} mid-PATCH: 500 with Tus-Resumable, only the written bytes recorded, onError told`, async () => {
      const source = randomBytes(4 * MiB);
      const url = await create(server.endpoint, { 'Upload-Length': String(source.length) });
      assert.equal((await patch(url, 0, source.subarray(0, 100_000))).status, 204);
      reported.length = 0;
      faults.failWritesAfter(1.5 * MiB + 123, code);
      const failed = await patch(url, 100_000, source.subarray(100_000));
      faults.failWritesAfter(undefined);
      assert.equal(failed.status, 500, failed.body);
      assert.equal(failed.headers['tus-resumable'], '1.0.0');
      const offset = await assertConsistent(url, server.dataPath(url), source);
      assert.equal(offset, 100_000 + 1.5 * MiB + 123, 'every byte the disk took, none more');
      assert.equal(reported.length, 1);
      assert.equal((reported[0]?.error as { code?: string } | undefined)?.code, code);
      assert.deepEqual(reported[0]?.context, {
        during: 'request',
        method: 'PATCH',
        url: new URL(url).pathname,
      });
      assert.equal((await patch(url, offset, source.subarray(offset))).status, 204);
      assert.ok(
        (await readFile(server.dataPath(url))).equals(source),
        'resumed to the exact source',
      );
    });
  }

  it('when the fsync after a failed write fails too, nothing of that PATCH is recorded', async () => {
    const source = randomBytes(3 * MiB);
    const url = await create(server.endpoint, { 'Upload-Length': String(source.length) });
    assert.equal((await patch(url, 0, source.subarray(0, 5000))).status, 204);
    faults.failWritesAfter(MiB + 7, 'EIO');
    faults.failSyncs('EIO');
    const failed = await patch(url, 5000, source.subarray(5000));
    faults.failWritesAfter(undefined);
    faults.failSyncs(undefined);
    assert.equal(failed.status, 500);
    assert.equal(await assertConsistent(url, server.dataPath(url), source), 5000);
  });

  it('a failed write under a checksum keeps nothing of the chunk', async () => {
    const source = randomBytes(2 * MiB);
    const url = await create(server.endpoint, { 'Upload-Length': String(source.length) });
    const sha1 = createHash('sha1').update(source).digest('base64');
    faults.failWritesAfter(MiB + 1, 'ENOSPC');
    const failed = await patch(url, 0, source, { 'Upload-Checksum': `sha1 ${sha1}` });
    faults.failWritesAfter(undefined);
    assert.equal(failed.status, 500);
    assert.equal(await assertConsistent(url, server.dataPath(url), source), 0);
  });

  it('a data file shorter than its offset lowers the offset at the next PATCH (409 says where), never pads', async () => {
    const source = randomBytes(10_000);
    const url = await create(server.endpoint, { 'Upload-Length': String(source.length) });
    assert.equal((await patch(url, 0, source.subarray(0, 6000))).status, 204);
    await truncate(server.dataPath(url), 2500); // as a power loss without fsync may leave it
    const resumed = await patch(url, 6000, source.subarray(6000));
    assert.equal(resumed.status, 409);
    assert.equal(resumed.headers['upload-offset'], '2500');
    assert.equal(await fileSize(server.dataPath(url)), 2500, 'not padded with zeros');
    assert.equal(await assertConsistent(url, server.dataPath(url), source), 2500);
    assert.equal((await patch(url, 2500, source.subarray(2500))).status, 204);
    assert.ok((await readFile(server.dataPath(url))).equals(source));
  });
});

describe('at start: data shorter than recorded', () => {
  it('the offset comes down to the data, the upload expires as an unfinished one', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'short-data-'));
    try {
      const source = randomBytes(8000);
      let child = await startServerChild(directory);
      const url = await create(child.endpoint, { 'Upload-Length': String(source.length) });
      assert.equal((await patch(url, 0, source)).status, 204, 'complete');
      await child.kill();
      await truncate(join(directory, idOf(url)), 3000);
      child = await startServerChild(directory);
      try {
        const restarted = new URL(new URL(url).pathname, child.endpoint).href;
        const head = await send('HEAD', restarted, { headers: TUS });
        assert.equal(head.headers['upload-offset'], '3000');
        assert.match(String(head.headers['upload-expires']), /GMT$/, 'unfinished again');
        assert.equal(await fileSize(join(directory, idOf(url))), 3000, 'never padded');
        assert.equal((await patch(restarted, 3000, source.subarray(3000))).status, 204);
        assert.ok((await readFile(join(directory, idOf(url)))).equals(source));
      } finally {
        await child.kill();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('for real: a server child under ulimit -f 2048 (2 MiB files)', () => {
  it('a 4 MiB PATCH without checksum: 500, offset = bytes on disk = 2 MiB, resumed after a restart to the exact source', {
    timeout: 90_000,
  }, async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ulimit-'));
    const source = randomBytes(4 * MiB);
    try {
      let child = await startServerChild(directory, { fileSizeLimitKiB: 2048 });
      let url: string;
      try {
        url = await create(child.endpoint, { 'Upload-Length': String(source.length) });
        const failed = await patch(url, 0, source);
        assert.equal(failed.status, 500, failed.body);
        assert.equal(failed.headers['tus-resumable'], '1.0.0');
        assert.equal(await assertConsistent(url, join(directory, idOf(url)), source), 2 * MiB);
        assert.match(child.stderr(), /onError request PATCH EFBIG/, 'the serve log tells it');
      } finally {
        await child.kill();
      }
      child = await startServerChild(directory);
      try {
        const restarted = new URL(new URL(url).pathname, child.endpoint).href;
        const path = join(directory, idOf(url));
        const offset = await assertConsistent(restarted, path, source);
        assert.equal(offset, 2 * MiB);
        assert.equal((await patch(restarted, offset, source.subarray(offset))).status, 204);
        assert.ok((await readFile(path)).equals(source), 'no zeros in a gap: the exact source');
      } finally {
        await child.kill();
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
