/**
 * Our server speaking the IETF draft, by raw HTTP: for each interop version (5: -03,
 * 6: -04/-05, 7: -06..-08, 8: -09..-11, 9: -12) the exchanges of the draft's examples: creation
 * with its 104, offset retrieval, append, completion, the 409 of a wrong offset,
 * cancellation. The bytes on disk are checked, not only the answers.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { INTEROP_VERSIONS, interopRules } from '../../../src/protocol/ietf/interop.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { draft } from '../ietf/draft-http.js';

const PARTIAL = { 'Content-Type': 'application/partial-upload' };

for (const version of INTEROP_VERSIONS) {
  const rules = interopRules(version);
  const append = rules.appendContentType === undefined ? {} : PARTIAL;

  describe(`our server, IETF draft interop ${version} (${rules.drafts})`, () => {
    let server: StartedOurServer;
    before(async () => {
      server = await startOurServer({ maxSize: 1_000_000, maxChunkSize: 100_000 });
    });
    after(() => server.close());

    const absolute = (location: unknown) => new URL(String(location), server.endpoint).href;

    it('creation of part of an upload: a 104 with Location first, then 201 with the same', async () => {
      const response = await draft('POST', server.endpoint, {
        version,
        headers: { 'Upload-Complete': '?0', 'Upload-Length': '100' },
        body: 'x'.repeat(25),
      });
      assert.equal(response.status, 201);
      assert.equal(response.interim.length, 1);
      const [interim] = response.interim;
      assert.equal(interim?.status, 104);
      assert.equal(interim?.headers['upload-draft-interop-version'], String(version));
      assert.equal(interim?.headers.location, response.headers.location);
      assert.match(String(response.headers.location), /\/files\/[0-9a-f]{32}$/);
      assert.equal(response.headers['upload-complete'], '?0');
      assert.equal(response.headers['upload-offset'], '25');
      assert.equal(response.headers['tus-resumable'], undefined);
      if (version === 5) {
        assert.equal(interim?.headers['upload-limit'], undefined);
        assert.equal(response.headers['upload-limit'], undefined);
      } else {
        const lifetime = version === 6 ? 'expires' : 'max-age';
        const limit = new RegExp(`^max-size=1000000, max-append-size=100000, ${lifetime}=\\d+$`);
        assert.match(String(interim?.headers['upload-limit']), limit);
        assert.match(String(response.headers['upload-limit']), limit);
      }
    });

    it('offset retrieval, append, completion: every answer as the version says, bytes intact', async () => {
      const created = await draft('POST', server.endpoint, {
        version,
        headers: { 'Upload-Complete': '?0', 'Upload-Length': '11' },
        body: 'hello',
      });
      const url = absolute(created.headers.location);

      const head = await draft('HEAD', url, { version });
      assert.equal(head.status, 204);
      assert.equal(head.headers['upload-offset'], '5');
      assert.equal(head.headers['upload-complete'], '?0');
      assert.equal(head.headers['cache-control'], 'no-store');
      assert.equal(head.headers['upload-length'], version === 5 ? undefined : '11');
      assert.equal(head.headers['upload-limit'] === undefined, version === 5);

      const middle = await draft('PATCH', url, {
        version,
        headers: { ...append, 'Upload-Complete': '?0', 'Upload-Offset': '5' },
        body: ' wor',
      });
      assert.equal(middle.status, rules.appendStatus);
      assert.equal(middle.headers['upload-complete'], '?0');
      assert.equal(middle.headers['upload-offset'], '9');

      const last = await draft('PATCH', url, {
        version,
        headers: { ...append, 'Upload-Complete': '?1', 'Upload-Offset': '9' },
        body: 'ld',
      });
      assert.equal(last.status, rules.completionStatus);
      assert.equal(last.headers['upload-complete'], '?1');
      assert.equal(last.headers['upload-offset'], '11');

      const done = await draft('HEAD', url, { version });
      assert.equal(done.headers['upload-complete'], '?1');
      assert.equal(done.headers['upload-offset'], '11');
      assert.equal(await readFile(server.dataPath(url), 'utf8'), 'hello world');
    });

    it('a whole upload in its creation (?1): 201, complete, the length taken from the body', async () => {
      const response = await draft('POST', server.endpoint, {
        version,
        headers: { 'Upload-Complete': '?1' },
        body: 'all of it',
      });
      assert.equal(response.status, 201);
      assert.equal(response.interim[0]?.status, 104);
      assert.equal(response.headers['upload-complete'], '?1');
      assert.equal(response.headers['upload-offset'], '9');
      const url = absolute(response.headers.location);
      const upload = await server.server.getUpload(url.split('/').pop() ?? '');
      assert.equal(upload?.length, 9);
      assert.equal(await readFile(server.dataPath(url), 'utf8'), 'all of it');
    });

    it('a wrong Upload-Offset is 409 with the right offset, nothing appended', async () => {
      const created = await draft('POST', server.endpoint, {
        version,
        headers: { 'Upload-Complete': '?0' },
        body: 'abc',
      });
      const url = absolute(created.headers.location);
      const response = await draft('PATCH', url, {
        version,
        headers: { ...append, 'Upload-Complete': '?0', 'Upload-Offset': '7' },
        body: 'defg',
      });
      assert.equal(response.status, 409);
      assert.equal(response.headers['upload-offset'], '3');
      assert.equal(response.headers['upload-complete'], '?0');
      if (version === 5) {
        assert.match(String(response.headers['content-type']), /^text\/plain/);
      } else {
        assert.equal(response.headers['content-type'], 'application/problem+json');
        const problem = JSON.parse(response.body) as Record<string, unknown>;
        assert.equal(
          problem.type,
          'https://iana.org/assignments/http-problem-types#mismatching-upload-offset',
        );
        assert.equal(problem['expected-offset'], 3);
        assert.equal(problem['provided-offset'], 7);
      }
      assert.equal(await readFile(server.dataPath(url), 'utf8'), 'abc');
    });

    it('cancellation: DELETE is 204, the upload is gone (404)', async () => {
      const created = await draft('POST', server.endpoint, {
        version,
        headers: { 'Upload-Complete': '?0' },
      });
      const url = absolute(created.headers.location);
      const response = await draft('DELETE', url, { version });
      assert.equal(response.status, 204);
      assert.equal((await draft('HEAD', url, { version })).status, 404);
      assert.equal((await draft('DELETE', url, { version })).status, 404);
    });

    it('an append to a completed upload is refused; an empty ?1 again is answered as before', async () => {
      const created = await draft('POST', server.endpoint, {
        version,
        headers: { 'Upload-Complete': '?1' },
        body: 'done',
      });
      const url = absolute(created.headers.location);
      const more = await draft('PATCH', url, {
        version,
        headers: { ...append, 'Upload-Complete': '?0', 'Upload-Offset': '4' },
        body: 'more',
      });
      assert.equal(more.status, 400);
      if (rules.problemTypes.includes('completedUpload')) {
        assert.match(more.body, /#completed-upload"/);
      }
      const again = await draft('PATCH', url, {
        version,
        headers: { ...append, 'Upload-Complete': '?1', 'Upload-Offset': '4' },
      });
      assert.equal(again.status, rules.completionStatus);
      assert.equal(again.headers['upload-complete'], '?1');
      assert.equal(await readFile(server.dataPath(url), 'utf8'), 'done');
    });
  });
}

describe('our server, IETF draft: what each version requires of a request', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer();
  });
  after(() => server.close());

  async function upload(version: number): Promise<string> {
    const created = await draft('POST', server.endpoint, {
      version,
      headers: { 'Upload-Complete': '?0' },
    });
    return new URL(String(created.headers.location), server.endpoint).href;
  }

  it('interop 5 appends without a media type; from 6 on, application/partial-upload or 415', async () => {
    const five = await upload(5);
    const plain = { 'Upload-Complete': '?1', 'Upload-Offset': '0' };
    assert.equal(
      (await draft('PATCH', five, { version: 5, headers: plain, body: 'x' })).status,
      201,
    );
    for (const version of [6, 7, 8]) {
      const url = await upload(version);
      const refused = await draft('PATCH', url, { version, headers: plain, body: 'x' });
      assert.equal(refused.status, 415, `interop ${version}`);
      assert.match(refused.body, /application\/partial-upload/);
    }
  });

  it('interop 5 and 6 take an append without Upload-Complete as ?0; 7 and 8 refuse it', async () => {
    const offsetOnly = { ...PARTIAL, 'Upload-Offset': '0' };
    for (const version of [5, 6]) {
      const response = await draft('PATCH', await upload(version), {
        version,
        headers: offsetOnly,
        body: 'ab',
      });
      assert.equal(response.status, 201, `interop ${version}`);
      assert.equal(response.headers['upload-complete'], '?0');
    }
    for (const version of [7, 8]) {
      const response = await draft('PATCH', await upload(version), {
        version,
        headers: offsetOnly,
        body: 'ab',
      });
      assert.equal(response.status, 400, `interop ${version}`);
    }
  });

  it('interop 5 and 6 refuse a HEAD or DELETE carrying upload state; 7 and 8 do not care', async () => {
    for (const version of [5, 6]) {
      const url = await upload(version);
      for (const method of ['HEAD', 'DELETE']) {
        const response = await draft(method, url, { version, headers: { 'Upload-Offset': '0' } });
        assert.equal(response.status, 400, `interop ${version} ${method}`);
      }
    }
    for (const version of [7, 8]) {
      const url = await upload(version);
      const response = await draft('HEAD', url, { version, headers: { 'Upload-Complete': '?0' } });
      assert.equal(response.status, 204, `interop ${version}`);
    }
  });

  it('an interop version this server does not speak is 400, with no 104', async () => {
    for (const version of ['10', '4', 'x', '8.0']) {
      const response = await draft('POST', server.endpoint, {
        version: null,
        headers: { 'Upload-Draft-Interop-Version': version, 'Upload-Complete': '?1' },
        body: 'x',
      });
      assert.equal(response.status, 400, version);
      assert.deepEqual(response.interim, []);
      assert.match(response.body, /\(5, 6, 7, 8, 9\)/);
    }
  });

  it('a malformed Upload-Complete or Upload-Offset is 400 naming the field', async () => {
    const bad = await draft('POST', server.endpoint, { headers: { 'Upload-Complete': 'yes' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Upload-Complete/);
    const missing = await draft('POST', server.endpoint, {});
    assert.equal(missing.status, 400);
    const url = await upload(8);
    const offset = await draft('PATCH', url, {
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '-1' },
      body: 'x',
    });
    assert.equal(offset.status, 400);
    assert.match(offset.body, /Upload-Offset/);
  });

  it('an HTTP/1.0 client gets no 104 (it has no 1xx), the Location in the 201 all the same', async () => {
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(server.endpoint).port), '127.0.0.1', () => {
        socket.write(
          'POST /files HTTP/1.0\r\nHost: x\r\nUpload-Draft-Interop-Version: 8\r\nUpload-Complete: ?1\r\nContent-Length: 2\r\n\r\nhi',
        );
      });
      let text = '';
      socket.on('data', (data: Buffer) => {
        text += data.toString('latin1');
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(head, /^HTTP\/1\.1 201 Created\r\n/);
    assert.doesNotMatch(head, /104/);
    assert.match(head, /\r\nlocation: http:\/\/x\/files\/[0-9a-f]{32}\r\n/i);
  });

  it('a tus request on the same endpoint is still tus: no 104, Tus-Resumable answered', async () => {
    const response = await draft('POST', server.endpoint, {
      version: null,
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '3' },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.interim, []);
    assert.equal(response.headers['tus-resumable'], '1.0.0');
    assert.equal(response.headers['upload-complete'], undefined);
  });
});
