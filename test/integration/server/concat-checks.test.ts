/**
 * Issue 15, point 3: a final concatenation names only http(s) URLs of this server (the
 * request's origin or the public URL), each partial once, at most `maxConcatParts` of them,
 * and its length counts against `maxSize`. A refused final leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, patch, send, TUS } from '../../helpers/raw-http.js';
import { idOf } from './fixtures/by-hand.js';

async function partial(endpoint: string, bytes: Buffer): Promise<string> {
  const url = await create(endpoint, {
    'Upload-Concat': 'partial',
    'Upload-Length': String(bytes.length),
  });
  assert.equal((await patch(url, 0, bytes)).status, 204);
  return url;
}

const final = (endpoint: string, urls: string[], host?: string) =>
  send('POST', endpoint, {
    headers: {
      ...TUS,
      'Upload-Concat': `final;${urls.join(' ')}`,
      ...(host ? { Host: host } : {}),
    },
  });

describe('concatenation: which partial URLs a final may name', () => {
  let server: StartedOurServer;
  let part: string;
  before(async () => {
    server = await startOurServer({ fsync: false, maxConcatParts: 3, maxSize: 10_000 });
    part = await partial(server.endpoint, randomBytes(2000));
  });
  after(() => server.close());

  it('refuses URLs that are not http(s) URLs of this server, and makes nothing', async () => {
    const id = idOf(part);
    const { host, port } = new URL(server.endpoint);
    const refused = [
      'javascript:alert(1)',
      `ftp://${host}/files/${id}`,
      `ftp://evil/files/${id}`,
      `http://other-host/files/${id}`,
      `http://other-host:${port}/files/${id}`,
      `//other-host/files/${id}`,
      `https://${host}/files/${id}`,
      `http://user:secret@${host}/files/${id}`,
      `${part}?x=1`,
      `${part}#x`,
      `/elsewhere/${id}`,
      `data:text/plain,${id}`,
    ];
    const files = (await readdir(server.directory)).length;
    for (const url of refused) {
      const response = await final(server.endpoint, [url]);
      assert.equal(response.status, 400, `${url}: ${response.status} ${response.body}`);
    }
    assert.equal((await readdir(server.directory)).length, files, 'no final was made');
  });

  it('refuses a partial named twice (no amplification: 300 names of one partial is a 400)', async () => {
    assert.equal((await final(server.endpoint, [part, part])).status, 400);
    const relative = new URL(part).pathname;
    const many = Array.from({ length: 300 }, () => relative);
    const response = await final(server.endpoint, many);
    assert.equal(response.status, 400);
    const mixed = await final(server.endpoint, [part, relative]);
    assert.equal(mixed.status, 400, 'the same upload by two spellings is still twice');
  });

  it('refuses more than maxConcatParts partials; takes as many', async () => {
    const others = [part];
    for (let i = 0; i < 3; i++) others.push(await partial(server.endpoint, randomBytes(10)));
    const tooMany = await final(server.endpoint, others);
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body, /at most 3/);
    assert.equal((await final(server.endpoint, others.slice(0, 3))).status, 201);
  });

  it('counts the final length against maxSize (413)', async () => {
    const big = [
      await partial(server.endpoint, randomBytes(6000)),
      await partial(server.endpoint, randomBytes(5000)),
    ];
    assert.equal((await final(server.endpoint, big)).status, 413);
  });

  it('takes relative URLs and absolute ones on the origin the request came to', async () => {
    const second = await partial(server.endpoint, randomBytes(100));
    const viaHost = `http://uploads.test/files/${idOf(second)}`;
    const response = await final(
      server.endpoint,
      [new URL(part).pathname, viaHost],
      'uploads.test',
    );
    assert.equal(response.status, 201, response.body);
    assert.match(String(response.headers.location), /^http:\/\/uploads\.test\/files\//);
  });
});

describe('concatenation behind a public URL', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ fsync: false, publicUrl: 'https://uploads.example/api/files' });
  });
  after(() => server.close());

  it('partials named by their public Locations make a final with their bytes', async () => {
    const bytes = [randomBytes(300), randomBytes(700)];
    const urls: string[] = [];
    for (const part of bytes) {
      const created = await send('POST', server.endpoint, {
        headers: { ...TUS, 'Upload-Concat': 'partial', 'Upload-Length': String(part.length) },
      });
      const location = String(created.headers.location);
      assert.match(location, /^https:\/\/uploads\.example\/api\/files\/[0-9a-f]{32}$/);
      const local = `${server.endpoint}/${idOf(location)}`;
      assert.equal((await patch(local, 0, part)).status, 204);
      urls.push(location);
    }
    const response = await final(server.endpoint, urls);
    assert.equal(response.status, 201, response.body);
    const id = idOf(String(response.headers.location));
    assert.ok((await readFile(`${server.directory}/${id}`)).equals(Buffer.concat(bytes)));
    const elsewhere = await final(server.endpoint, [
      `https://evil.example/api/files/${idOf(urls[0] ?? '')}`,
    ]);
    assert.equal(elsewhere.status, 400);
  });
});
