/**
 * Our server by the IETF draft, by raw HTTP: `Upload-Limit` where the draft puts it (OPTIONS,
 * 104, creation, HEAD, 413), from the server's options; and browser CORS that lets a page
 * send and read the draft's headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { draft } from '../ietf/draft-http.js';

const PARTIAL = { 'Content-Type': 'application/partial-upload' };

describe('our server, IETF draft: Upload-Limit', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ maxSize: 5000, maxChunkSize: 1000, expireAfterMs: 60_000 });
  });
  after(() => server.close());

  it('OPTIONS states the limits, under the lifetime key of the version asked (max-age if none)', async () => {
    const plain = await draft('OPTIONS', server.endpoint, { version: null });
    assert.equal(plain.headers['upload-limit'], 'max-size=5000, max-append-size=1000, max-age=60');
    const six = await draft('OPTIONS', server.endpoint, { version: 6 });
    assert.equal(six.headers['upload-limit'], 'max-size=5000, max-append-size=1000, expires=60');
    const five = await draft('OPTIONS', server.endpoint, { version: 5 });
    assert.equal(five.headers['upload-limit'], undefined);
  });

  it('a server without limits says min-size=0 (never an empty field)', async () => {
    const open = await startOurServer({ expireAfterMs: Number.POSITIVE_INFINITY });
    try {
      const response = await draft('OPTIONS', open.endpoint, { version: 8 });
      assert.equal(response.headers['upload-limit'], 'min-size=0');
    } finally {
      await open.close();
    }
  });

  it('HEAD tells the remaining lifetime, which does not grow past what creation said', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    const lifetime = (text: unknown) => Number(/max-age=(\d+)/.exec(String(text))?.[1]);
    const atCreation = lifetime(created.interim[0]?.headers['upload-limit']);
    const url = new URL(String(created.headers.location), server.endpoint).href;
    const head = await draft('HEAD', url);
    assert.ok(atCreation <= 60 && atCreation >= 0, String(atCreation));
    assert.ok(lifetime(head.headers['upload-limit']) <= atCreation);
  });

  it('a body over max-append-size is 413 with Upload-Limit, nothing appended', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    const url = new URL(String(created.headers.location), server.endpoint).href;
    for (const chunked of [false, true]) {
      const response = await draft('PATCH', url, {
        headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '0' },
        body: 'x'.repeat(1001),
        chunked,
      });
      assert.equal(response.status, 413, `chunked: ${chunked}`);
      assert.match(String(response.headers['upload-limit']), /max-append-size=1000/);
      assert.equal(response.headers['upload-offset'], '0');
    }
    const head = await draft('HEAD', url);
    assert.equal(head.headers['upload-offset'], '0');
  });

  it('a creation body over max-append-size is 413 before any upload exists', async () => {
    const response = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?1' },
      body: 'x'.repeat(1001),
    });
    assert.equal(response.status, 413);
    assert.deepEqual(response.interim, []);
    assert.match(String(response.headers['upload-limit']), /max-append-size=1000/);
  });

  it('a length over max-size is 413 at creation, before any upload exists', async () => {
    const response = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?0', 'Upload-Length': '5001' },
    });
    assert.equal(response.status, 413);
    assert.deepEqual(response.interim, []);
    assert.match(String(response.headers['upload-limit']), /max-size=5000/);
  });
});

describe('our server, IETF draft: CORS', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ allowedOrigins: ['http://page.test'] });
  });
  after(() => server.close());

  it('a preflight allows the draft’s request headers', async () => {
    const response = await draft('OPTIONS', server.endpoint, {
      version: null,
      headers: {
        Origin: 'http://page.test',
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'upload-complete, upload-draft-interop-version',
      },
    });
    const allowed = String(response.headers['access-control-allow-headers']).toLowerCase();
    for (const name of [
      'upload-complete',
      'upload-draft-interop-version',
      'upload-offset',
      'upload-length',
      'content-digest',
      'repr-digest',
      'want-repr-digest',
      'content-disposition',
    ]) {
      assert.ok(allowed.split(', ').includes(name), name);
    }
  });

  it('answers expose the draft’s response headers to the page', async () => {
    const response = await draft('POST', server.endpoint, {
      headers: { Origin: 'http://page.test', 'Upload-Complete': '?0' },
    });
    assert.equal(response.headers['access-control-allow-origin'], 'http://page.test');
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase();
    for (const name of [
      'location',
      'upload-offset',
      'upload-length',
      'upload-complete',
      'upload-limit',
      'upload-draft-interop-version',
      'repr-digest',
    ]) {
      assert.ok(exposed.split(', ').includes(name), name);
    }
  });
});
