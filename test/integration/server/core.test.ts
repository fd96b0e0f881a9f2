/** Our server, core protocol, driven by raw HTTP: every status of tus 1.0 core and creation. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, OCTET, patch, send, TUS } from '../../helpers/raw-http.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('our server: core protocol', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({
      maxSize: 1_000_000,
      maxChunkSize: 100_000,
      allowedOrigins: ['http://app.example'],
    });
  });
  after(() => server.close());

  it('OPTIONS tells version, every extension, checksum algorithms and max size', async () => {
    const response = await send('OPTIONS', server.endpoint);
    assert.equal(response.status, 204);
    assert.equal(response.headers['tus-resumable'], '1.0.0');
    assert.equal(response.headers['tus-version'], '1.0.0');
    assert.deepEqual(String(response.headers['tus-extension']).split(','), [
      'creation',
      'creation-with-upload',
      'creation-defer-length',
      'termination',
      'expiration',
      'checksum',
      'checksum-trailer',
      'concatenation',
    ]);
    assert.equal(response.headers['tus-checksum-algorithm'], 'sha1,sha256,sha512,md5');
    assert.equal(response.headers['tus-max-size'], '1000000');
  });

  it('a request without Tus-Resumable, or with another version, is 412 with Tus-Version', async () => {
    for (const headers of [{}, { 'Tus-Resumable': '0.2.2' }]) {
      const response = await send('POST', server.endpoint, {
        headers: { ...headers, 'Upload-Length': '5' },
      });
      assert.equal(response.status, 412);
      assert.equal(response.headers['tus-version'], '1.0.0');
      assert.equal(response.headers['tus-resumable'], '1.0.0');
      assert.match(response.body, /Tus-Resumable: 1\.0\.0/);
    }
  });

  it('create, HEAD, PATCH twice: the stored bytes are the bytes sent', async () => {
    const url = await create(server.endpoint, {
      'Upload-Length': '11',
      'Upload-Metadata': `filename ${b64('a b.txt')},empty`,
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}$/);
    const head = await send('HEAD', url, { headers: TUS });
    assert.equal(head.status, 200);
    assert.equal(head.headers['cache-control'], 'no-store');
    assert.equal(head.headers['upload-offset'], '0');
    assert.equal(head.headers['upload-length'], '11');
    assert.equal(head.headers['upload-metadata'], `filename ${b64('a b.txt')},empty`);
    assert.match(String(head.headers['upload-expires']), /GMT$/);

    const first = await patch(url, 0, 'hello ');
    assert.equal(first.status, 204);
    assert.equal(first.headers['upload-offset'], '6');
    const second = await patch(url, 6, 'world');
    assert.equal(second.status, 204);
    assert.equal(second.headers['upload-offset'], '11');
    assert.equal(second.headers['upload-expires'], undefined, 'a complete upload does not expire');
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'hello world');
  });

  it('PATCH refusals: 415, 400 without offset, 409 mismatch (with Upload-Offset), 413 past length, 403 complete', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '4' });
    const wrongType = await send('PATCH', url, {
      headers: { ...TUS, 'Content-Type': 'text/plain', 'Upload-Offset': '0' },
      body: 'ab',
    });
    assert.equal(wrongType.status, 415);
    const noOffset = await send('PATCH', url, { headers: { ...TUS, ...OCTET }, body: 'ab' });
    assert.equal(noOffset.status, 400);
    const badOffset = await patch(url, 0, 'ab', { 'Upload-Offset': '-1' });
    assert.equal(badOffset.status, 400);
    const mismatch = await patch(url, 2, 'ab');
    assert.equal(mismatch.status, 409);
    assert.equal(mismatch.headers['upload-offset'], '0', 'a 409 says where to send from');
    assert.match(mismatch.body, /send from 0/);
    const tooLong = await patch(url, 0, 'abcde');
    assert.equal(tooLong.status, 413, 'past Upload-Length: 413, as tusd and @tus/server');
    assert.equal((await readFile(server.dataPath(url))).length, 0, 'nothing stored');
    assert.equal((await patch(url, 0, 'abcd')).status, 204);
    const done = await patch(url, 4, 'x');
    assert.equal(done.status, 403);
    assert.equal(done.headers['tus-resumable'], '1.0.0');
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abcd');
  });

  it('creation refusals: no length, both lengths, bad numbers, past Tus-Max-Size (413)', async () => {
    const cases: [Record<string, string>, number][] = [
      [{}, 400],
      [{ 'Upload-Length': '5', 'Upload-Defer-Length': '1' }, 400],
      [{ 'Upload-Defer-Length': '2' }, 400],
      [{ 'Upload-Length': 'five' }, 400],
      [{ 'Upload-Length': '1e3' }, 400],
      [{ 'Upload-Length': '1000001' }, 413],
    ];
    for (const [headers, status] of cases) {
      const response = await send('POST', server.endpoint, { headers: { ...TUS, ...headers } });
      assert.equal(response.status, status, JSON.stringify(headers));
      assert.notEqual(response.body, '', 'the answer says why');
    }
  });

  it('metadata is checked: base64, unique printable keys, size cap', async () => {
    const bad = [
      `name ${b64('x')}!`,
      `name ${b64('a')},name ${b64('b')}`,
      `na\u00efve ${b64('x')}`,
      `name ${b64('x')} extra`,
      `name ${'A'.repeat(5000)}`,
    ];
    for (const value of bad) {
      const response = await send('POST', server.endpoint, {
        headers: { ...TUS, 'Upload-Length': '1', 'Upload-Metadata': value },
      });
      assert.equal(response.status, 400, value.slice(0, 40));
    }
  });

  it('a PATCH larger than maxChunkSize is 413 and stores nothing', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '200000' });
    const response = await patch(url, 0, Buffer.alloc(100_001));
    assert.equal(response.status, 413);
    const head = await send('HEAD', url, { headers: TUS });
    assert.equal(head.headers['upload-offset'], '0');
  });

  it('unknown uploads are 404, other methods 405, paths outside /files 404', async () => {
    const missing = `${server.endpoint}/${'0'.repeat(32)}`;
    assert.equal((await send('HEAD', missing, { headers: TUS })).status, 404);
    assert.equal((await patch(missing, 0, 'x')).status, 404);
    assert.equal((await send('HEAD', `${server.endpoint}/../etc`, { headers: TUS })).status, 404);
    assert.equal((await send('GET', server.endpoint, { headers: TUS })).status, 405);
    const url = await create(server.endpoint, { 'Upload-Length': '1' });
    const put = await send('PUT', url, { headers: TUS });
    assert.equal(put.status, 405);
    assert.match(String(put.headers.allow), /PATCH/);
  });

  it('X-HTTP-Method-Override turns a POST into a PATCH or a DELETE', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '3' });
    const patched = await send('POST', url, {
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0', 'X-HTTP-Method-Override': 'PATCH' },
      body: 'abc',
    });
    assert.equal(patched.status, 204);
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abc');
    const deleted = await send('POST', url, {
      headers: { ...TUS, 'X-HTTP-Method-Override': 'DELETE' },
    });
    assert.equal(deleted.status, 204);
    assert.equal(existsSync(server.dataPath(url)), false);
  });

  it('DELETE (termination) removes the upload; it is 404 afterwards', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '3' });
    await patch(url, 0, 'ab');
    assert.equal((await send('DELETE', url, { headers: TUS })).status, 204);
    assert.equal(existsSync(server.dataPath(url)), false);
    assert.equal((await send('HEAD', url, { headers: TUS })).status, 404);
    assert.equal((await send('DELETE', url, { headers: TUS })).status, 404);
  });

  it('CORS: preflight allows the tus headers; answers expose them to the page', async () => {
    const origin = 'http://app.example';
    const preflight = await send('OPTIONS', server.endpoint, {
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'upload-offset, tus-resumable, upload-checksum',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
    assert.match(String(preflight.headers['access-control-allow-methods']), /PATCH/);
    for (const name of ['Upload-Offset', 'Tus-Resumable', 'Upload-Checksum', 'Upload-Metadata']) {
      assert.match(String(preflight.headers['access-control-allow-headers']), new RegExp(name));
    }
    const created = await send('POST', server.endpoint, {
      headers: { ...TUS, Origin: origin, 'Upload-Length': '1' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers['access-control-allow-origin'], origin);
    const exposed = String(created.headers['access-control-expose-headers']);
    for (const name of ['Location', 'Upload-Offset', 'Upload-Length', 'Tus-Resumable']) {
      assert.match(exposed, new RegExp(name));
    }
  });
});

describe('our server: allowedOrigins', () => {
  it('an origin not in the list gets no CORS headers', async () => {
    const server = await startOurServer({ allowedOrigins: ['http://good.example'] });
    try {
      const good = await send('OPTIONS', server.endpoint, {
        headers: { Origin: 'http://good.example', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(good.headers['access-control-allow-origin'], 'http://good.example');
      const evil = await send('OPTIONS', server.endpoint, {
        headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
    } finally {
      await server.close();
    }
  });
});
