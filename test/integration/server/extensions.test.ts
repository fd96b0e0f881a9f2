/**
 * Our server's extensions, driven by raw HTTP: creation-with-upload, creation-defer-length,
 * checksum (header and trailer), expiration, concatenation, hooks.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type StoredUpload, TusServerRequestError } from '../../../src/server/index.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, OCTET, patch, send, TUS } from '../../helpers/raw-http.js';

const digest = (algorithm: string, data: Uint8Array | string) =>
  createHash(algorithm).update(data).digest('base64');

describe('our server: extensions', () => {
  let server: StartedOurServer;
  const createdIds: string[] = [];
  const finished: StoredUpload[] = [];
  before(async () => {
    server = await startOurServer({
      onUploadCreate: (upload) => {
        createdIds.push(upload.id);
      },
      onUploadFinish: (upload) => {
        finished.push(upload);
      },
    });
  });
  after(() => server.close());

  it('creation-with-upload: the POST body is stored and Upload-Offset says how much', async () => {
    const response = await send('POST', server.endpoint, {
      headers: { ...TUS, ...OCTET, 'Upload-Length': '10' },
      body: 'abcd',
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers['upload-offset'], '4');
    const url = new URL(String(response.headers.location), server.endpoint).href;
    assert.equal((await patch(url, 4, 'efghij')).status, 204);
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abcdefghij');
  });

  it('creation-defer-length: HEAD says deferred until a PATCH brings Upload-Length', async () => {
    const url = await create(server.endpoint, { 'Upload-Defer-Length': '1' });
    const head = await send('HEAD', url, { headers: TUS });
    assert.equal(head.headers['upload-defer-length'], '1');
    assert.equal(head.headers['upload-length'], undefined);
    assert.equal((await patch(url, 0, 'abc')).status, 204);
    const committed = await patch(url, 3, 'de', { 'Upload-Length': '5' });
    assert.equal(committed.status, 204);
    const after = await send('HEAD', url, { headers: TUS });
    assert.equal(after.headers['upload-length'], '5');
    assert.equal(after.headers['upload-offset'], '5');
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abcde');
    const id = new URL(url).pathname.split('/').pop();
    assert.ok(finished.some((upload) => upload.id === id && upload.length === 5));
    const changed = await patch(url, 5, '', { 'Upload-Length': '6' });
    assert.equal(changed.status, 403, 'complete: no more PATCH');
  });

  it('a deferred length cannot be less than what is stored, nor change once set', async () => {
    const url = await create(server.endpoint, { 'Upload-Defer-Length': '1' });
    await patch(url, 0, 'abc');
    assert.equal((await patch(url, 3, 'd', { 'Upload-Length': '2' })).status, 400);
    assert.equal((await patch(url, 3, 'd', { 'Upload-Length': '10' })).status, 204);
    assert.equal((await patch(url, 4, 'e', { 'Upload-Length': '11' })).status, 400);
  });

  for (const algorithm of ['sha1', 'sha256', 'sha512', 'md5']) {
    it(`checksum ${algorithm}: a matching chunk is stored, a mismatch is 460 and leaves no trace`, async () => {
      const url = await create(server.endpoint, { 'Upload-Length': '8' });
      const good = await patch(url, 0, 'abcd', {
        'Upload-Checksum': `${algorithm} ${digest(algorithm, 'abcd')}`,
      });
      assert.equal(good.status, 204);
      const bad = await patch(url, 4, 'efgh', {
        'Upload-Checksum': `${algorithm} ${digest(algorithm, 'efgX')}`,
      });
      assert.equal(bad.status, 460);
      assert.match(bad.body, /does not match/);
      const head = await send('HEAD', url, { headers: TUS });
      assert.equal(head.headers['upload-offset'], '4');
      assert.equal((await stat(server.dataPath(url))).size, 4);
      assert.equal((await patch(url, 4, 'efgh')).status, 204);
      assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abcdefgh');
    });
  }

  it('an unknown or malformed checksum is 400 before any byte is stored', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '4' });
    for (const value of ['crc32 AAAA', 'sha1', 'sha1 not*base64']) {
      const response = await patch(url, 0, 'abcd', { 'Upload-Checksum': value });
      assert.equal(response.status, 400, value);
    }
    assert.equal((await stat(server.dataPath(url))).size, 0);
  });

  it('checksum-trailer: a chunked PATCH with Upload-Checksum as trailer is checked', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '8' });
    const headers = { ...TUS, ...OCTET, Trailer: 'Upload-Checksum' };
    const good = await send('PATCH', url, {
      headers: { ...headers, 'Upload-Offset': '0' },
      body: 'abcd',
      trailers: { 'Upload-Checksum': `sha256 ${digest('sha256', 'abcd')}` },
    });
    assert.equal(good.status, 204);
    const bad = await send('PATCH', url, {
      headers: { ...headers, 'Upload-Offset': '4' },
      body: 'efgh',
      trailers: { 'Upload-Checksum': `sha1 ${digest('sha1', 'nope')}` },
    });
    assert.equal(bad.status, 460);
    const missing = await send('PATCH', url, {
      headers: { ...headers, 'Upload-Offset': '4' },
      body: 'efgh',
      trailers: {},
    });
    assert.equal(missing.status, 400);
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abcd');
  });

  it('concatenation: three partials, relative and absolute URLs, final = their bytes', async () => {
    const parts = [randomBytes(70_000), randomBytes(1), randomBytes(33_333)];
    const urls: string[] = [];
    for (const part of parts) {
      const url = await create(server.endpoint, {
        'Upload-Concat': 'partial',
        'Upload-Length': String(part.length),
      });
      assert.equal((await patch(url, 0, part)).status, 204);
      const head = await send('HEAD', url, { headers: TUS });
      assert.equal(head.headers['upload-concat'], 'partial');
      urls.push(url);
    }
    const listed = [new URL(urls[0] ?? '').pathname, urls[1], new URL(urls[2] ?? '').pathname];
    const response = await send('POST', server.endpoint, {
      headers: {
        ...TUS,
        'Upload-Concat': `final;${listed.join(' ')}`,
        'Upload-Metadata': `filename ${Buffer.from('whole.bin').toString('base64')}`,
      },
    });
    assert.equal(response.status, 201);
    const finalUrl = new URL(String(response.headers.location), server.endpoint).href;
    const stored = await readFile(server.dataPath(finalUrl));
    assert.ok(stored.equals(Buffer.concat(parts)), 'final bytes = partials concatenated');
    const head = await send('HEAD', finalUrl, { headers: TUS });
    const total = String(parts.reduce((sum, part) => sum + part.length, 0));
    assert.equal(head.headers['upload-length'], total);
    assert.equal(head.headers['upload-offset'], total);
    const shown = String(head.headers['upload-concat']);
    assert.equal(shown, `final;${urls.join(' ')}`, 'the parts as absolute URLs, like Location');
    assert.equal((await patch(finalUrl, Number(total), 'x')).status, 403);
  });

  it('a final upload over an unfinished or non-partial upload is 400 and makes nothing', async () => {
    const unfinished = await create(server.endpoint, {
      'Upload-Concat': 'partial',
      'Upload-Length': '5',
    });
    await patch(unfinished, 0, 'ab');
    const plain = await create(server.endpoint, { 'Upload-Length': '1' });
    await patch(plain, 0, 'x');
    const before = createdIds.length;
    for (const list of [unfinished, plain, `${server.endpoint}/${'f'.repeat(32)}`, 'nonsense']) {
      const response = await send('POST', server.endpoint, {
        headers: { ...TUS, 'Upload-Concat': `final;${list}` },
      });
      assert.equal(response.status, 400, list);
    }
    assert.equal(createdIds.length, before);
    const malformed = await send('POST', server.endpoint, {
      headers: { ...TUS, 'Upload-Concat': 'final;' },
    });
    assert.equal(malformed.status, 400);
  });

  it('hooks: onUploadCreate sees every creation, onUploadFinish every completion', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '2' });
    const id = new URL(url).pathname.split('/').pop() ?? '';
    assert.ok(createdIds.includes(id));
    assert.equal(
      finished.some((upload) => upload.id === id),
      false,
    );
    await patch(url, 0, 'ok');
    assert.ok(finished.some((upload) => upload.id === id && upload.offset === 2));
  });
});

describe('our server: refusing hook, expiration', () => {
  it('onUploadCreate throwing TusServerRequestError answers its status and keeps nothing', async () => {
    const server = await startOurServer({
      onUploadCreate: () => {
        throw new TusServerRequestError(403, 'uploads are closed today');
      },
    });
    try {
      const response = await send('POST', server.endpoint, {
        headers: { ...TUS, 'Upload-Length': '1' },
      });
      assert.equal(response.status, 403);
      assert.match(response.body, /closed today/);
      assert.deepEqual(await server.server.cleanupExpired(), 0);
      const { readdir } = await import('node:fs/promises');
      assert.deepEqual(await readdir(server.directory), []);
    } finally {
      await server.close();
    }
  });

  it('an unfinished upload past Upload-Expires is 410, and the cleanup removes it', async () => {
    const server = await startOurServer({ expireAfterMs: 1 });
    try {
      const unfinished = await create(server.endpoint, { 'Upload-Length': '5' });
      const complete = await create(server.endpoint, { 'Upload-Length': '0' });
      await sleep(20);
      assert.equal((await send('HEAD', unfinished, { headers: TUS })).status, 410);
      assert.equal((await patch(unfinished, 0, 'a')).status, 410);
      assert.equal((await send('HEAD', complete, { headers: TUS })).status, 200);
      assert.equal(await server.server.cleanupExpired(), 1);
      assert.equal(existsSync(server.dataPath(unfinished)), false);
      assert.equal(existsSync(server.dataPath(complete)), true);
      assert.equal((await send('HEAD', unfinished, { headers: TUS })).status, 404);
    } finally {
      await server.close();
    }
  });

  it('expireCompletedAfterMs: a complete upload expires too (410), and the cleanup removes it', async () => {
    const server = await startOurServer({ expireCompletedAfterMs: 60_000 });
    try {
      const done = await create(server.endpoint, { 'Upload-Length': '3' });
      assert.equal((await patch(done, 0, 'abc')).status, 204);
      const unfinished = await create(server.endpoint, { 'Upload-Length': '3' });
      const id = new URL(done).pathname.split('/').pop() ?? '';
      const expiresAt = (await server.server.getUpload(id))?.expiresAt ?? 0;
      assert.ok(expiresAt > Date.now(), 'a complete upload now has an expiry');
      assert.equal(
        (await send('HEAD', done, { headers: TUS })).headers['upload-expires'],
        undefined,
      );
      assert.equal(await server.server.cleanupExpired(expiresAt - 1), 0, 'not before its time');
      assert.equal(await server.server.cleanupExpired(expiresAt + 1), 1, 'only the complete one');
      assert.equal((await send('HEAD', done, { headers: TUS })).status, 404);
      assert.equal(existsSync(server.dataPath(done)), false);
      assert.equal((await send('HEAD', unfinished, { headers: TUS })).status, 200);
    } finally {
      await server.close();
    }
  });

  it('the periodic cleanup runs by itself', async () => {
    const server = await startOurServer({ expireAfterMs: 1, cleanupIntervalMs: 10 });
    try {
      const url = await create(server.endpoint, { 'Upload-Length': '5' });
      const deadline = Date.now() + 5000;
      while (existsSync(server.dataPath(url)) && Date.now() < deadline) await sleep(10);
      assert.equal(existsSync(server.dataPath(url)), false);
    } finally {
      await server.close();
    }
  });
});
