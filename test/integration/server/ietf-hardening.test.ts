/**
 * The server hardening (issue 15) holds for draft requests too: a write the disk refuses
 * mid-append is a 500 that records only the bytes the disk took (none under a
 * Content-Digest) and is told to `onError`; a data file shorter than its record lowers the
 * offset at the next append (409 says where), never padded; completion takes
 * `expireCompletedAfterMs`, and Repr-Digest reads the bytes through the `fileSystem` seam;
 * Locations follow `publicUrl`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, truncate } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ServerErrorContext } from '../../../src/server/index.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { draft } from '../ietf/draft-http.js';
import { fileSize, idOf, MiB } from './fixtures/by-hand.js';
import { type FaultyFs, faultyFs } from './fixtures/faulty-fs.js';

const PARTIAL = { 'Content-Type': 'application/partial-upload' };
const HOUR = 3_600_000;

describe('our server, IETF draft: the hardened store', () => {
  let server: StartedOurServer;
  let faults: FaultyFs;
  const reported: { error: unknown; context: ServerErrorContext }[] = [];
  before(async () => {
    faults = faultyFs();
    server = await startOurServer({
      fileSystem: faults.fs,
      expireCompletedAfterMs: HOUR,
      onError: (error, context) => reported.push({ error, context }),
    });
  });
  after(() => server.close());

  const absolute = (location: unknown) => new URL(String(location), server.endpoint).href;
  const createEmpty = async () =>
    absolute(
      (await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } })).headers
        .location,
    );
  const append = (url: string, offset: number, body: Uint8Array, extra = {}) =>
    draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': String(offset), ...extra },
      body,
    });
  const offsetOf = async (url: string) =>
    Number((await draft('HEAD', url)).headers['upload-offset']);

  it('EIO mid-append: 500 (no Tus-Resumable), only the bytes the disk took recorded, onError told, resumable', async () => {
    const source = randomBytes(3 * MiB);
    const url = await createEmpty();
    reported.length = 0;
    faults.failWritesAfter(MiB + 321, 'EIO');
    const failed = await append(url, 0, source);
    faults.failWritesAfter(undefined);
    assert.equal(failed.status, 500, failed.body);
    assert.equal(failed.headers['tus-resumable'], undefined);
    const offset = await offsetOf(url);
    assert.equal(offset, MiB + 321, 'every byte the disk took, none more');
    assert.ok((await readFile(server.dataPath(url))).equals(source.subarray(0, offset)));
    assert.equal(reported.length, 1);
    assert.equal((reported[0]?.error as { code?: string } | undefined)?.code, 'EIO');
    assert.equal(reported[0]?.context.method, 'PATCH');
    const rest = await append(url, offset, source.subarray(offset), { 'Upload-Complete': '?1' });
    assert.equal(rest.status, 200, rest.body);
    assert.ok((await readFile(server.dataPath(url))).equals(source), 'resumed to the exact source');
  });

  it('a failed write under a Content-Digest keeps nothing of the append', async () => {
    const source = randomBytes(2 * MiB);
    const url = await createEmpty();
    const sha = createHash('sha256').update(source).digest('base64');
    faults.failWritesAfter(MiB + 1, 'ENOSPC');
    const failed = await append(url, 0, source, { 'Content-Digest': `sha-256=:${sha}:` });
    faults.failWritesAfter(undefined);
    assert.equal(failed.status, 500);
    assert.equal(await offsetOf(url), 0);
    assert.equal(await fileSize(server.dataPath(url)), 0);
  });

  it('a data file shorter than its record lowers the offset at the next append (409 says where), never pads', async () => {
    const source = randomBytes(10_000);
    const url = await createEmpty();
    assert.equal((await append(url, 0, source.subarray(0, 6000))).status, 204);
    await truncate(server.dataPath(url), 2500); // as a power loss without fsync may leave it
    const resumed = await append(url, 6000, source.subarray(6000));
    assert.equal(resumed.status, 409);
    assert.equal(resumed.headers['upload-offset'], '2500');
    assert.match(resumed.body, /mismatching-upload-offset/);
    assert.equal(await fileSize(server.dataPath(url)), 2500, 'not padded with zeros');
    const rest = await append(url, 2500, source.subarray(2500), { 'Upload-Complete': '?1' });
    assert.equal(rest.status, 200);
    assert.ok((await readFile(server.dataPath(url))).equals(source));
  });

  it('completion: expireCompletedAfterMs applies, and Repr-Digest hashes through the fileSystem seam', async () => {
    const source = randomBytes(300_000);
    const sha = createHash('sha256').update(source).digest('base64');
    const created = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?0', 'Repr-Digest': `sha-256=:${sha}:` },
    });
    const url = absolute(created.headers.location);
    const id = idOf(url);
    const open = (await server.server.getUpload(id))?.expiresAt;
    assert.ok(open !== undefined && open > Date.now() + HOUR, 'unfinished: expireAfterMs (24 h)');
    faults.ops.length = 0;
    const before = Date.now();
    const done = await append(url, 0, source, {
      'Upload-Complete': '?1',
      'Want-Repr-Digest': 'sha-256=10',
    });
    assert.equal(done.status, 200, done.body);
    assert.equal(done.headers['repr-digest'], `sha-256=:${sha}:`);
    assert.ok(faults.ops.includes(`open r ${id}`), 'the bytes were read through the store');
    const expiresAt = (await server.server.getUpload(id))?.expiresAt;
    assert.ok(expiresAt !== undefined, 'a complete draft upload expires as tus ones do');
    assert.ok(expiresAt >= before + HOUR && expiresAt <= Date.now() + HOUR, String(expiresAt));
  });
});

describe('our server, IETF draft: publicUrl', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ publicUrl: 'https://uploads.example/files' });
  });
  after(() => server.close());

  it('the 104 and the 201 name the upload under publicUrl', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    assert.equal(created.status, 201);
    const location = String(created.headers.location);
    assert.match(location, /^https:\/\/uploads\.example\/files\/[0-9a-f]{32}$/);
    assert.equal(created.interim[0]?.status, 104);
    assert.equal(created.interim[0]?.headers.location, location);
  });
});
