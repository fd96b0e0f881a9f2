/**
 * Our server by raw HTTP: one upload, one set of rules, whichever protocol touches it
 * (issue 25, defects 6 and 8). A draft upload's declared length and `Repr-Digest` hold
 * for tus PATCHes too; a completion through either protocol checks the creation's digest;
 * a completing `Repr-Digest` cannot replace it; `onUploadFinish` runs once, and only for an
 * upload that is complete and verified; an append whose `Content-Length` passes the known
 * length is answered like an append whose body does.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, patch, send, TUS } from '../../helpers/raw-http.js';
import { draft } from '../ietf/draft-http.js';

const PARTIAL = { 'Content-Type': 'application/partial-upload' };
const sha256 = (data: string) => createHash('sha256').update(data).digest('base64');
const reprDigest = (data: string) => ({ 'Repr-Digest': `sha-256=:${sha256(data)}:` });

describe('our server: one upload, one set of rules across tus and the draft', () => {
  let server: StartedOurServer;
  let finished: string[] = [];
  before(async () => {
    server = await startOurServer({ onUploadFinish: (upload) => void finished.push(upload.id) });
  });
  beforeEach(() => {
    finished = [];
  });
  after(() => server.close());

  const absolute = (location: unknown) => new URL(String(location), server.endpoint).href;
  const idOf = (url: string) => url.split('/').pop() ?? '';

  /** A draft upload of declared length 10 whose Repr-Digest is that of `0123456789`. */
  async function draftUpload(body = ''): Promise<string> {
    const created = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?0', 'Upload-Length': '10', ...reprDigest('0123456789') },
      body,
    });
    assert.equal(created.status, 201, created.body);
    return absolute(created.headers.location);
  }

  it('a tus PATCH cannot redeclare a draft upload’s length (400), and a tus HEAD shows it', async () => {
    const url = await draftUpload();
    const head = await send('HEAD', url, { headers: TUS });
    assert.equal(head.headers['upload-length'], '10');
    assert.equal(head.headers['upload-defer-length'], undefined);
    const other = await patch(url, 0, 'abcde', { 'Upload-Length': '5' });
    assert.equal(other.status, 400, other.body);
    assert.match(other.body, /Upload-Length is already 10/);
    const after = await draft('HEAD', url);
    assert.equal(after.headers['upload-offset'], '0');
    assert.equal(after.headers['upload-complete'], '?0');
    assert.deepEqual(finished, []);
  });

  it('a tus PATCH cannot write past a draft upload’s declared length (413, nothing kept)', async () => {
    const url = await draftUpload('0123456789');
    const past = await patch(url, 10, '0123456789');
    assert.equal(past.status, 413, past.body);
    const chunked = await send('PATCH', url, {
      headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '10' },
      body: 'x',
      trailers: {},
    });
    assert.ok(chunked.status === 413 || chunked.status === 403, `${chunked.status}`);
    assert.equal(await readFile(server.dataPath(url), 'utf8'), '0123456789');
    // The draft can still complete it.
    const end = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '10' },
    });
    assert.equal(end.status, 200, end.body);
    assert.deepEqual(finished, [idOf(url)]);
  });

  it('a tus PATCH completing a draft upload checks the creation’s Repr-Digest: other bytes are refused and discarded', async () => {
    const url = await draftUpload('01234');
    const wrong = await patch(url, 5, 'XXXXX');
    assert.equal(wrong.status, 400, wrong.body);
    assert.match(wrong.body, /Repr-Digest sha-256 does not match/);
    assert.equal((await send('HEAD', url, { headers: TUS })).status, 404);
    assert.equal(existsSync(server.dataPath(url)), false);
    assert.deepEqual(finished, [], 'onUploadFinish never ran for the discarded upload');
  });

  it('a tus PATCH completing a draft upload with the right bytes completes it once', async () => {
    const url = await draftUpload('01234');
    const right = await patch(url, 5, '56789');
    assert.equal(right.status, 204, right.body);
    const head = await draft('HEAD', url);
    assert.equal(head.headers['upload-complete'], '?1');
    assert.equal(await readFile(server.dataPath(url), 'utf8'), '0123456789');
    assert.deepEqual(finished, [idOf(url)]);
  });

  it('a completing append’s Repr-Digest cannot replace the creation’s (400, nothing appended)', async () => {
    const url = await draftUpload('01234');
    const other = await draft('PATCH', url, {
      headers: {
        ...PARTIAL,
        'Upload-Complete': '?1',
        'Upload-Offset': '5',
        ...reprDigest('01234abcde'),
      },
      body: 'abcde',
    });
    assert.equal(other.status, 400, other.body);
    assert.match(other.body, /differs from the one given when the upload was created/);
    const head = await draft('HEAD', url);
    assert.equal(head.status, 204);
    assert.equal(head.headers['upload-offset'], '5');
    assert.equal(head.headers['upload-complete'], '?0');
    assert.deepEqual(finished, []);
    // The same digest again is fine: the bytes it names complete the upload.
    const same = await draft('PATCH', url, {
      headers: {
        ...PARTIAL,
        'Upload-Complete': '?1',
        'Upload-Offset': '5',
        ...reprDigest('0123456789'),
      },
      body: '56789',
    });
    assert.equal(same.status, 200, same.body);
    assert.deepEqual(finished, [idOf(url)]);
  });

  it('onUploadFinish runs once for a tus upload completed by a draft ?1 append', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '10' });
    assert.equal((await patch(url, 0, '01234')).status, 204);
    const end = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '5' },
      body: '56789',
    });
    assert.equal(end.status, 200, end.body);
    assert.deepEqual(finished, [idOf(url)]);
  });

  it('onUploadFinish does not run for a tus upload whose completing draft append fails its Repr-Digest', async () => {
    const url = await create(server.endpoint, { 'Upload-Length': '10' });
    assert.equal((await patch(url, 0, '01234')).status, 204);
    const end = await draft('PATCH', url, {
      headers: {
        ...PARTIAL,
        'Upload-Complete': '?1',
        'Upload-Offset': '5',
        ...reprDigest('0123456789'),
      },
      body: 'XXXXX',
    });
    assert.equal(end.status, 400, end.body);
    assert.equal((await send('HEAD', url, { headers: TUS })).status, 404);
    assert.deepEqual(finished, []);
  });

  for (const version of [8, 6]) {
    const gone = version === 8;
    it(`interop ${version}: an append whose Content-Length passes the length is answered as one whose body does (${gone ? 'the upload is gone' : 'the upload stays'})`, async () => {
      const results: number[] = [];
      for (const chunked of [false, true]) {
        const created = await draft('POST', server.endpoint, {
          version,
          headers: { 'Upload-Complete': '?0', 'Upload-Length': '3' },
        });
        const url = absolute(created.headers.location);
        const past = await draft('PATCH', url, {
          version,
          headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '0' },
          body: 'abcd',
          chunked,
        });
        assert.equal(past.status, 400, past.body);
        results.push((await draft('HEAD', url, { version })).status);
      }
      assert.deepEqual(results, gone ? [404, 404] : [204, 204]);
    });
  }

  it('a draft creation whose body fails its Content-Digest is 400 naming the upload, kept without the body', async () => {
    const refused = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?1', 'Content-Digest': `sha-256=:${sha256('other')}:` },
      body: 'abcde',
    });
    assert.equal(refused.status, 400, refused.body);
    assert.equal(refused.headers['upload-offset'], '0');
    assert.equal(refused.interim[0]?.headers.location, refused.headers.location);
    const url = absolute(refused.headers.location);
    const head = await draft('HEAD', url);
    assert.equal(head.status, 204);
    assert.equal(head.headers['upload-offset'], '0');
    const again = await draft('PATCH', url, {
      headers: {
        ...PARTIAL,
        'Upload-Complete': '?1',
        'Upload-Offset': '0',
        'Content-Digest': `sha-256=:${sha256('abcde')}:`,
      },
      body: 'abcde',
    });
    assert.equal(again.status, 200, again.body);
    assert.deepEqual(finished, [idOf(url)]);
  });

  it('interop 8: a completing append whose Content-Length passes the length removes the upload too', async () => {
    const created = await draft('POST', server.endpoint, {
      headers: { 'Upload-Complete': '?0', 'Upload-Length': '3' },
    });
    const url = absolute(created.headers.location);
    const past = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '0' },
      body: 'abcd',
    });
    assert.equal(past.status, 400, past.body);
    assert.match(past.body, /#inconsistent-upload-length"/);
    assert.equal((await draft('HEAD', url)).status, 404);
  });
});
