/**
 * Interop version 9 (draft -12) against the -12 text, and what comes with it: our server by
 * raw HTTP (an answer's `Upload-Complete`, no `completed-upload` problem type, GET on an
 * upload resource, OPTIONS with `Upload-Limit` and the versions spoken, `draftVersions`
 * restricting them), our client (`'ietf-draft-12'` sends 9, `'ietf-draft-11'` sends 8; a
 * refusal with `Upload-Complete: ?1` is final in 9 only) and `protocol: 'auto'` against our
 * server restricted to each version and against @tus/server. Stored bytes are compared with
 * the input.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  TusClient,
  type TusClientOptions,
  TusCommunicationError,
  TusUploadFailed,
} from '../../../src/index.node.js';
import { INTEROP_VERSIONS, type InteropVersion } from '../../../src/protocol/ietf/interop.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { startTusNodeServer } from '../../helpers/tus-node-server.js';
import { draft } from './draft-http.js';

const PARTIAL = { 'Content-Type': 'application/partial-upload' };

describe('our server, interop 9 by the -12 text', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ maxChunkSize: 100_000 });
  });
  after(() => server.close());
  const absolute = (location: unknown) => new URL(String(location), server.endpoint).href;

  async function created(body = 'hello', complete = '?0'): Promise<string> {
    const response = await draft('POST', server.endpoint, {
      version: 9,
      headers: { 'Upload-Complete': complete },
      body,
    });
    assert.equal(response.status, 201);
    // -12: a creation's answer says whether it is the targeted resource's (?1) or not (?0).
    assert.equal(response.headers['upload-complete'], complete);
    assert.equal(response.interim[0]?.headers['upload-draft-interop-version'], '9');
    return absolute(response.headers.location);
  }

  it('a creation with no content is allowed and answers Upload-Complete: ?0 with Upload-Limit', async () => {
    const response = await draft('POST', server.endpoint, {
      version: 9,
      headers: { 'Upload-Complete': '?0' },
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers['upload-complete'], '?0');
    assert.match(String(response.headers['upload-limit']), /max-append-size=100000/);
  });

  it('GET on an upload resource answers as HEAD: offset, completeness, limits, no-store', async () => {
    const url = await created();
    const get = await draft('GET', url, { version: 9 });
    assert.equal(get.status, 204);
    assert.equal(get.headers['upload-offset'], '5');
    assert.equal(get.headers['upload-complete'], '?0');
    assert.match(String(get.headers['upload-limit']), /max-age=\d+/);
    assert.equal(get.headers['cache-control'], 'no-store');
    assert.equal(get.body, '');
  });

  it('a wrong offset is 409 with Upload-Complete: ?0, the right offset and the problem type', async () => {
    const url = await created();
    const response = await draft('PATCH', url, {
      version: 9,
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '2' },
      body: 'xx',
    });
    assert.equal(response.status, 409);
    assert.equal(response.headers['upload-complete'], '?0');
    assert.equal(response.headers['upload-offset'], '5');
    assert.match(response.body, /#mismatching-upload-offset"/);
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'hello');
  });

  it('bytes for a completed upload: 400 with Upload-Complete: ?0 and no completed-upload type; the completion again is answered again', async () => {
    const url = await created('done', '?1');
    const more = await draft('PATCH', url, {
      version: 9,
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '4' },
      body: 'more',
    });
    assert.equal(more.status, 400);
    assert.equal(more.headers['upload-complete'], '?0');
    assert.doesNotMatch(more.body, /completed-upload/);
    assert.doesNotMatch(String(more.headers['content-type']), /problem/);
    const again = await draft('PATCH', url, {
      version: 9,
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '4' },
    });
    assert.equal(again.status, 200);
    assert.equal(again.headers['upload-complete'], '?1');
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'done');
  });

  it('appends answer 204 ?0, the completing one 200 ?1; the bytes are the input', async () => {
    const url = await created();
    const middle = await draft('PATCH', url, {
      version: 9,
      headers: { ...PARTIAL, 'Upload-Complete': '?0', 'Upload-Offset': '5' },
      body: ' wor',
    });
    assert.equal(middle.status, 204);
    assert.equal(middle.headers['upload-complete'], '?0');
    const last = await draft('PATCH', url, {
      version: 9,
      headers: { ...PARTIAL, 'Upload-Complete': '?1', 'Upload-Offset': '9' },
      body: 'ld',
    });
    assert.equal(last.status, 200);
    assert.equal(last.headers['upload-complete'], '?1');
    assert.equal(await readFile(server.dataPath(url), 'utf8'), 'hello world');
  });

  it('OPTIONS: Upload-Limit (min-size=0 when the server sets no limit) and the versions it speaks', async () => {
    const bare = await startOurServer();
    try {
      const options = await draft('OPTIONS', bare.endpoint, { version: 9 });
      assert.equal(options.status, 204);
      assert.equal(options.headers['upload-limit'], 'max-age=86400');
      assert.equal(options.headers['upload-draft-interop-versions'], '9, 8, 7, 6, 5');
      assert.equal(options.headers['upload-draft-interop-version'], '9');
      assert.equal(options.headers['accept-patch'], undefined);
    } finally {
      await bare.close();
    }
    const unlimited = await startOurServer({ expireAfterMs: Number.POSITIVE_INFINITY });
    try {
      const options = await draft('OPTIONS', unlimited.endpoint, { version: 9 });
      assert.equal(options.headers['upload-limit'], 'min-size=0');
    } finally {
      await unlimited.close();
    }
  });
});

describe('our server restricted by draftVersions', () => {
  it('speaks only the versions named: another is 400, OPTIONS lists only these', async () => {
    const server = await startOurServer({ draftVersions: [8, 9] });
    try {
      const refused = await draft('POST', server.endpoint, {
        version: 7,
        headers: { 'Upload-Complete': '?1' },
        body: 'x',
      });
      assert.equal(refused.status, 400);
      assert.match(refused.body, /\(8, 9\)/);
      assert.equal(refused.interim.length, 0);
      const options = await draft('OPTIONS', server.endpoint, { version: 7 });
      assert.equal(options.headers['upload-draft-interop-versions'], '9, 8');
      assert.equal(options.headers['upload-draft-interop-version'], undefined);
    } finally {
      await server.close();
    }
    const tusOnly = await startOurServer({ draftVersions: [] });
    try {
      const options = await draft('OPTIONS', tusOnly.endpoint, { version: 9 });
      assert.equal(options.headers['upload-draft-interop-versions'], undefined);
      assert.equal(options.headers['upload-limit'], undefined);
      assert.equal(options.headers['tus-version'], '1.0.0');
    } finally {
      await tusOnly.close();
    }
  });

  it('refuses an unknown version in the option', async () => {
    await assert.rejects(
      startOurServer({ draftVersions: [4 as InteropVersion] }),
      /draftVersions takes interop versions out of 5, 6, 7, 8, 9, got 4/,
    );
  });
});

/** The interop version of every request a server received. */
async function recordingServer(options: Parameters<typeof startOurServer>[0] = {}) {
  const server = await startOurServer(options);
  const seen: { method: string; headers: IncomingHttpHeaders }[] = [];
  server.server.httpServer?.prependListener('request', (req) => {
    seen.push({ method: req.method ?? '', headers: req.headers });
  });
  return { ...server, seen };
}

describe('our client names what it sends', () => {
  for (const [protocol, version] of [
    ['ietf-draft-12', '9'],
    ['ietf-draft-11', '8'],
  ] as const) {
    it(`${protocol} sends interop ${version} and uploads the bytes`, async () => {
      const server = await recordingServer();
      const client = new TusClient(server.endpoint, { protocol, chunkSize: 200_000 });
      try {
        const data = randomBytes(500_000);
        const url = await client.uploadFile({ input: data });
        assert.deepEqual(await readFile(server.dataPath(url)), data);
        assert.ok(server.seen.length >= 3);
        for (const { headers } of server.seen) {
          assert.equal(headers['upload-draft-interop-version'], version);
        }
      } finally {
        await client.close();
        await server.close();
      }
    });
  }
});

/** A scripted draft server over real HTTP: creation 201, every PATCH refused with `status`. */
async function refusingServer(status: number, headers: Record<string, string>) {
  let patches = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') {
        res.writeHead(201, { Location: '/files/one', 'Upload-Complete': '?0' }).end();
      } else if (req.method === 'HEAD') {
        res.writeHead(204, { 'Upload-Offset': '0', 'Upload-Complete': '?0' }).end();
      } else {
        patches++;
        res.writeHead(status, headers).end('the representation could not be processed');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/files`,
    patches: () => patches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('our client: a refusal with Upload-Complete: ?1', () => {
  const options: TusClientOptions = { retryDelay: 1, maxRetries: 2 };

  it('is final in interop 9: not retried, a TusUploadFailed with the status', async () => {
    const server = await refusingServer(500, { 'Upload-Complete': '?1' });
    const client = new TusClient(server.endpoint, { ...options, protocol: 'ietf-draft-12' });
    try {
      const error = await client.uploadFile({ input: randomBytes(1000) }).catch((e) => e);
      assert.ok(error instanceof TusUploadFailed, String(error));
      assert.equal(error.status, 500);
      assert.match(error.message, /Upload-Complete: \?1/);
      assert.equal(server.patches(), 1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('on a successful append that did not complete, ends the upload in interop 9 (an early answer)', async () => {
    const server = await refusingServer(204, { 'Upload-Complete': '?1' });
    const client = new TusClient(server.endpoint, {
      ...options,
      protocol: 'ietf-draft-12',
      chunkSize: 400,
    });
    try {
      const error = await client.uploadFile({ input: randomBytes(1000) }).catch((e) => e);
      assert.ok(error instanceof TusUploadFailed, String(error));
      assert.equal(error.status, 204);
      assert.equal(server.patches(), 1);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('is retried like any 500 in interop 8', async () => {
    const server = await refusingServer(500, { 'Upload-Complete': '?1' });
    const client = new TusClient(server.endpoint, { ...options, protocol: 'ietf-draft-11' });
    try {
      const error = await client.uploadFile({ input: randomBytes(1000) }).catch((e) => e);
      assert.ok(error instanceof TusUploadFailed);
      assert.ok(error.cause instanceof TusCommunicationError);
      assert.equal(server.patches(), 3);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("protocol: 'auto'", () => {
  /** What `auto` must pick for a server speaking only `version`. */
  const expected: { readonly [V in InteropVersion]: string } = {
    5: 'ietf-draft-03',
    6: 'ietf-draft-05',
    7: 'tus-v1', // no `protocol` value sends 7
    8: 'ietf-draft-11',
    9: 'ietf-draft-12',
  };

  async function autoUpload(endpoint: string, dataPath: (url: string) => string) {
    const client = new TusClient(endpoint, { protocol: 'auto', chunkSize: 150_000 });
    try {
      const data = randomBytes(400_000);
      const uploader = client.createUploader({ input: data });
      const url = await uploader.upload();
      assert.deepEqual(await readFile(dataPath(url)), data);
      return uploader.stats.protocol;
    } finally {
      await client.close();
    }
  }

  it('picks the newest version against our server (9), asking OPTIONS once', async () => {
    const server = await recordingServer();
    try {
      assert.equal(await autoUpload(server.endpoint, server.dataPath), 'ietf-draft-12');
      assert.equal(server.seen.filter((s) => s.method === 'OPTIONS').length, 1);
      for (const s of server.seen.filter((s) => s.method !== 'OPTIONS')) {
        assert.equal(s.headers['upload-draft-interop-version'], '9');
        assert.equal(s.headers['tus-resumable'], undefined);
      }
    } finally {
      await server.close();
    }
  });

  for (const version of INTEROP_VERSIONS) {
    it(`against our server speaking only ${version}: ${expected[version]}`, async () => {
      const server = await recordingServer({ draftVersions: [version] });
      try {
        assert.equal(await autoUpload(server.endpoint, server.dataPath), expected[version]);
      } finally {
        await server.close();
      }
    });
  }

  it('deleteUpload as the first call of a client asks OPTIONS, then deletes by the draft', async () => {
    const server = await recordingServer();
    const uploader = new TusClient(server.endpoint, { protocol: 'ietf-draft-12' });
    const deleter = new TusClient(server.endpoint, { protocol: 'auto' });
    try {
      const url = await uploader.uploadFile({ input: randomBytes(1000) });
      server.seen.length = 0;
      await deleter.deleteUpload(url);
      assert.deepEqual(
        server.seen.map((s) => [s.method, s.headers['upload-draft-interop-version']]),
        [
          ['OPTIONS', undefined],
          ['DELETE', '9'],
        ],
      );
    } finally {
      await uploader.close();
      await deleter.close();
      await server.close();
    }
  });

  it('against our server speaking no draft version: tus 1.0', async () => {
    const server = await recordingServer({ draftVersions: [] });
    try {
      assert.equal(await autoUpload(server.endpoint, server.dataPath), 'tus-v1');
      const patch = server.seen.find((s) => s.method === 'PATCH');
      assert.equal(patch?.headers['tus-resumable'], '1.0.0');
    } finally {
      await server.close();
    }
  });

  it('against @tus/server: tus 1.0', async () => {
    const server = await startTusNodeServer();
    try {
      assert.equal(await autoUpload(server.endpoint, server.dataPath), 'tus-v1');
    } finally {
      await server.close();
    }
  });
});
