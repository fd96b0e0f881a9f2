/** Upload URLs from request headers, the ids they name, and CORS answers: pure functions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corsHeaders } from '../../../src/server/cors.js';
import { requestOrigin, uploadIdFromUrl, uploadUrl } from '../../../src/server/upload-urls.js';

const ID = 'c'.repeat(32);
const plain = { path: '/files', publicUrl: undefined, trustProxy: false };
const place = (headers: Record<string, string>, encrypted = false) => ({ headers, encrypted });

describe('upload URLs', () => {
  it('from Host and the socket; a Host that is not a host name gives a path alone', () => {
    assert.equal(
      uploadUrl(place({ host: 'a.test:81' }), plain, ID),
      `http://a.test:81/files/${ID}`,
    );
    assert.equal(
      uploadUrl(place({ host: 'a.test' }, true), plain, ID),
      `https://a.test/files/${ID}`,
    );
    assert.equal(uploadUrl(place({ host: 'a.test/evil' }), plain, ID), `/files/${ID}`);
    assert.equal(uploadUrl(place({}), { ...plain, path: '/' }, ID), `/${ID}`);
  });

  it('forwarded headers only with trustProxy; publicUrl over everything', () => {
    const headers = { host: 'inner', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'outer' };
    assert.equal(requestOrigin(place(headers), false), 'http://inner');
    assert.equal(requestOrigin(place(headers), true), 'https://outer');
    assert.equal(
      requestOrigin(place({ host: 'inner', forwarded: 'proto=https;host="o.example"' }), true),
      'https://o.example',
    );
    const settings = { ...plain, publicUrl: 'https://pub.example/up', trustProxy: true };
    assert.equal(uploadUrl(place(headers), settings, ID), `https://pub.example/up/${ID}`);
  });

  it('ids only from http(s) URLs of this server, under its path', () => {
    const here = place({ host: 'a.test' });
    const settings = { ...plain, publicUrl: 'https://pub.example/up' };
    const yes = [
      `/files/${ID}`,
      `http://a.test/files/${ID}`,
      `http://A.TEST:80/files/${ID}`,
      `https://pub.example/up/${ID}`,
    ];
    for (const url of yes) assert.equal(uploadIdFromUrl(url, here, settings), ID, url);
    const no = [
      `https://a.test/files/${ID}`,
      `http://b.test/files/${ID}`,
      `//b.test/files/${ID}`,
      `ftp://a.test/files/${ID}`,
      `javascript:/files/${ID}`,
      `http://u:p@a.test/files/${ID}`,
      `/files/${ID}?x`,
      `/files/${ID}#x`,
      `/files/${ID}/more`,
      `/other/${ID}`,
      `https://pub.example/files/${ID}`,
      `/files/${'C'.repeat(32)}`,
      'not a url at all',
    ];
    for (const url of no) assert.equal(uploadIdFromUrl(url, here, settings), undefined, url);
  });
});

describe('CORS headers', () => {
  it('none without configured origins; exact matches; * without null', () => {
    assert.deepEqual(corsHeaders('http://x', [], true), {});
    assert.deepEqual(corsHeaders(undefined, '*', false), {});
    assert.equal(
      corsHeaders('http://x', ['http://x'], false)['Access-Control-Allow-Origin'],
      'http://x',
    );
    assert.equal(
      corsHeaders('http://x', ['http://x'], false)['Access-Control-Allow-Methods'],
      undefined,
    );
    assert.match(
      String(corsHeaders('http://x', ['http://x'], true)['Access-Control-Allow-Methods']),
      /PATCH/,
    );
    assert.deepEqual(corsHeaders('http://y', ['http://x'], true), { Vary: 'Origin' });
    assert.equal(corsHeaders('null', '*', false)['Access-Control-Allow-Origin'], undefined);
    assert.equal(corsHeaders('null', ['null'], false)['Access-Control-Allow-Origin'], 'null');
  });
});
