/**
 * Our server by the IETF draft, by raw HTTP: what happens to bodies. A cut creation or
 * append keeps what arrived and resumes; `Content-Digest` guards one request,
 * `Repr-Digest` the whole upload and `Want-Repr-Digest` is answered; a new request ends
 * one still writing; lengths that disagree are refused; an unknown length is fixed by ?1.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { draft, draftCut, draftStuck } from '../ietf/draft-http.js';

const PARTIAL = { 'Content-Type': 'application/partial-upload' };
const digest = (algorithm: string, data: Uint8Array | string) =>
  createHash(algorithm).update(data).digest('base64');

describe('our server, IETF draft: bodies', () => {
  let server: StartedOurServer;
  const finished: string[] = [];
  before(async () => {
    server = await startOurServer({ onUploadFinish: (upload) => void finished.push(upload.id) });
  });
  after(() => server.close());

  const absolute = (location: unknown) => new URL(String(location), server.endpoint).href;
  const idOf = (url: string) => url.split('/').pop() ?? '';

  /** Polls HEAD until the server recorded `offset` (a cut body is recorded once its socket closes). */
  async function offsetReaches(url: string, offset: number): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const head = await draft('HEAD', url);
      if (Number(head.headers['upload-offset']) >= offset)
        return String(head.headers['upload-offset']);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return 'never';
  }

  it('a creation cut after its 104: the bytes that arrived are kept, the upload resumes', async () => {
    const data = randomBytes(200_000);
    const interim = await draftCut('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?1', 'Upload-Length': String(data.length) },
      length: data.length,
      sent: data.subarray(0, 120_000),
      awaitInterim: true,
    });
    assert.equal(interim[0]?.status, 104);
    const url = absolute(interim[0]?.headers.location);
    // The cut may come before all 120 000 bytes reached the server; it keeps a prefix.
    const head = await draft('HEAD', url);
    assert.equal(head.status, 204);
    assert.equal(head.headers['upload-complete'], '?0');
    const offset = Number(head.headers['upload-offset']);
    assert.ok(offset <= 120_000, `offset ${offset}`);
    const rest = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': String(offset) },
      body: data.subarray(offset),
    });
    assert.equal(rest.status, 200);
    assert.equal(rest.headers['upload-complete'], '?1');
    assert.deepEqual(await readFile(server.dataPath(url)), data);
    assert.ok(finished.includes(idOf(url)));
  });

  it('an append cut part way keeps its prefix, recorded, not complete', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    const url = absolute(created.headers.location);
    const data = randomBytes(64 * 1024);
    await draftCut('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '0' },
      length: data.length * 2,
      sent: data,
    });
    assert.equal(await offsetReaches(url, data.length), String(data.length));
    const head = await draft('HEAD', url);
    assert.equal(head.headers['upload-complete'], '?0');
    assert.deepEqual(await readFile(server.dataPath(url)), data);
  });

  it('a new request ends one still writing: HEAD sees its bytes, the old connection is cut', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    const url = absolute(created.headers.location);
    const MiB = 1024 * 1024;
    const sent = randomBytes(1.5 * MiB);
    const stuck = draftStuck('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '0' },
      length: 3 * MiB,
      sent,
    });
    await stuck.written;
    // The server writes in batches of 1 MiB: once the first is on disk the writer is busy.
    for (let i = 0; i < 500 && (await readFile(server.dataPath(url))).length < MiB; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const head = await draft('HEAD', url);
    assert.equal(head.status, 204);
    const offset = Number(head.headers['upload-offset']);
    assert.ok(offset >= MiB && offset <= sent.length, String(offset));
    await stuck.closed;
    assert.deepEqual(await readFile(server.dataPath(url)), sent.subarray(0, offset));
    const next = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': String(offset) },
      body: sent.subarray(offset),
    });
    assert.equal(next.status, 200);
    assert.deepEqual(await readFile(server.dataPath(url)), sent);
  });

  it('an append ends an older append still writing and is answered (409 at its offset, not 423)', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    const url = absolute(created.headers.location);
    const MiB = 1024 * 1024;
    const sent = randomBytes(MiB + 1000);
    const stuck = draftStuck('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '0' },
      length: 2 * MiB,
      sent,
    });
    await stuck.written;
    for (let i = 0; i < 500 && (await readFile(server.dataPath(url))).length < MiB; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // This client lost track: it starts again from 0, while the old request still writes.
    const next = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '0' },
      body: sent,
    });
    await stuck.closed;
    assert.equal(next.status, 409);
    const offset = Number(next.headers['upload-offset']);
    assert.ok(offset >= MiB && offset <= sent.length, String(offset));
    const rest = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': String(offset) },
      body: sent.subarray(offset),
    });
    assert.equal(rest.status, 200);
    assert.deepEqual(await readFile(server.dataPath(url)), sent);
  });

  it('Content-Digest: a match is appended, a mismatch is 400 and appends nothing', async () => {
    const created = await draft('POST', server.endpoint, {
      headers: {
        'Upload-Complete': '?0',
        'Content-Digest': `sha-256=:${digest('sha256', 'abc')}:`,
      },
      body: 'abc',
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers['upload-offset'], '3');
    const url = absolute(created.headers.location);
    const wrong = await draft('PATCH', url, {
      headers: {
        ...PARTIAL,
        'Upload-Complete': '?0',
        'Upload-Offset': '3',
        'Content-Digest': `sha-512=:${digest('sha512', 'def')}:, md5=:${digest('md5', 'xyz')}:`,
      },
      body: 'def',
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /Content-Digest md5/);
    assert.equal(wrong.headers['upload-offset'], '3');
    assert.equal(wrong.headers['upload-complete'], '?0');
    const right = await draft('PATCH', url, {
      headers: {
        ...PARTIAL,
        'Upload-Complete': '?1',
        'Upload-Offset': '3',
        'Content-Digest': `sha=:${digest('sha1', 'def')}:, crc32c=:AAAAAA==:`,
      },
      body: 'def',
    });
    assert.equal(right.status, 200);
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abcdef');
  });

  it('a cut body that carried a Content-Digest leaves nothing (a part cannot be checked)', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    const url = absolute(created.headers.location);
    const data = randomBytes(4096);
    await draftCut('PATCH', url, {
      headers: {
        ...PARTIAL,
        'Upload-Complete': '?0',
        'Upload-Offset': '0',
        'Content-Digest': `sha-256=:${digest('sha256', data)}:`,
      },
      length: 8192,
      sent: data,
    });
    // The next request takes over once the cut one has let go; it sees nothing stored.
    const head = await draft('HEAD', url);
    assert.equal(head.headers['upload-offset'], '0');
    assert.equal((await readFile(server.dataPath(url))).length, 0);
  });

  it('a malformed Content-Digest is 400 before any byte is stored', async () => {
    const response = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?1', 'Content-Digest': 'sha-256=notbytes' },
      body: 'x',
    });
    assert.equal(response.status, 400);
    assert.match(response.body, /Content-Digest/);
    assert.deepEqual(response.interim, []);
  });

  it('Repr-Digest of the creation is checked at completion: a match completes', async () => {
    const data = randomBytes(3000);
    const created = await draft('POST', server.endpoint, {
      headers: {
        'Upload-Complete': '?0',
        'Repr-Digest': `sha-256=:${digest('sha256', data)}:`,
        'Want-Repr-Digest': 'sha-512=3, sha-256=9, unixsum=10',
      },
      body: data.subarray(0, 1000),
    });
    const url = absolute(created.headers.location);
    const last = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '1000' },
      body: data.subarray(1000),
    });
    assert.equal(last.status, 200);
    assert.equal(
      last.headers['repr-digest'],
      `sha-256=:${digest('sha256', data)}:, sha-512=:${digest('sha512', data)}:`,
    );
  });

  it('a Repr-Digest mismatch at completion is 400 (Upload-Complete: ?1) and the upload is gone', async () => {
    const created = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?0', 'Repr-Digest': `sha=:${digest('sha1', 'other')}:` },
      body: 'some',
    });
    const url = absolute(created.headers.location);
    const last = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '4' },
      body: 'thing',
    });
    assert.equal(last.status, 400);
    assert.equal(last.headers['upload-complete'], '?1');
    assert.match(last.body, /Repr-Digest sha does not match/);
    assert.equal((await draft('HEAD', url)).status, 404);
    assert.equal(existsSync(server.dataPath(url)), false);
    assert.ok(!finished.includes(idOf(url)));
  });

  it('an unknown length: appends, then ?1 fixes the length at the offset', async () => {
    const created = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': '?0' } });
    const url = absolute(created.headers.location);
    const head = await draft('HEAD', url);
    assert.equal(head.headers['upload-length'], undefined);
    let offset = 0;
    for (const part of ['one ', 'two ', 'three']) {
      const last = part === 'three';
      const response = await draft('PATCH', url, {
        headers: {
          ...PARTIAL,
          'Upload-Complete': last ? '?1' : '?0',
          'Upload-Offset': String(offset),
        },
        body: part,
        chunked: true,
      });
      assert.equal(response.status, last ? 200 : 204);
      offset += part.length;
    }
    const done = await draft('HEAD', url);
    assert.equal(done.headers['upload-length'], String(offset));
    assert.equal(done.headers['upload-complete'], '?1');
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'one two three');
  });

  it('reaching the declared length does not complete the upload; only ?1 does', async () => {
    const created = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?0', 'Upload-Length': '4' },
      body: 'full',
    });
    const url = absolute(created.headers.location);
    assert.equal(created.headers['upload-complete'], '?0');
    assert.ok(!finished.includes(idOf(url)));
    const end = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '4' },
    });
    assert.equal(end.status, 200);
    assert.ok(finished.includes(idOf(url)));
  });

  it('lengths that disagree are 400 inconsistent-upload-length, nothing stored past them', async () => {
    const both = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?1', 'Upload-Length': '9' },
      body: 'four',
    });
    assert.equal(both.status, 400);
    assert.match(both.body, /#inconsistent-upload-length"/);
    assert.deepEqual(both.interim, []);

    const created = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?0', 'Upload-Length': '6' },
      body: 'ab',
    });
    const url = absolute(created.headers.location);
    const change = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '2', 'Upload-Length': '7' },
      body: 'cd',
    });
    assert.equal(change.status, 400);
    assert.match(change.body, /#inconsistent-upload-length"/);
    const early = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '2' },
      body: 'cd',
    });
    assert.equal(early.status, 400);
    assert.match(early.body, /#inconsistent-upload-length"/);
    const past = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '2' },
      body: 'cdefgh',
      chunked: true,
    });
    assert.equal(past.status, 400);
    // Interop 8: an append past the known length deactivates the upload resource.
    assert.equal((await draft('HEAD', url)).status, 404);
  });

  it('under interop 6 an append past the length is refused and the upload stays', async () => {
    const created = await draft('POST', server.endpoint, {
      version: 6,
      headers: { 'Upload-Complete': '?0', 'Upload-Length': '3' },
    });
    const url = absolute(created.headers.location);
    const past = await draft('PATCH', url, {
      version: 6,
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '0' },
      body: 'abcd',
      chunked: true,
    });
    assert.equal(past.status, 400);
    assert.match(past.body, /past the upload's length 3/);
    const head = await draft('HEAD', url, { version: 6 });
    assert.equal(head.status, 204);
    assert.equal(head.headers['upload-offset'], '0');
  });

  it('Content-Disposition and Content-Type of the creation become the upload’s metadata', async () => {
    const created = await draft('POST', server.endpoint, {
      headers: {
        'Upload-Complete': '?1',
        'Content-Type': 'image/png',
        'Content-Disposition': `inline; filename="file name.png"; filename*=UTF-8''f%C3%AFle.png`,
      },
      body: 'png',
    });
    const upload = await server.server.getUpload(idOf(absolute(created.headers.location)));
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    assert.equal(upload?.metadata, `filename ${b64('fïle.png')},filetype ${b64('image/png')}`);
  });
});
