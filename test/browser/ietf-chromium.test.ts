/**
 * The built browser bundle in headless Chromium with `protocol: 'ietf-draft-12'` (interop 9)
 * against our server on another origin: a Blob in chunks with Web Crypto Content-Digests,
 * an unknown-size ReadableStream, abort then resume. A browser shows no 104, so the upload
 * is created by an empty `Upload-Complete: ?0` request before any byte is sent. CORS must
 * let the page send and read the draft's headers for any of this to work.
 */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { chromiumSkipReason } from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import {
  type BrowserSuite,
  evaluate,
  startBrowserSuite,
  type UploadResult,
} from './helpers/page.js';

const MiB = 1024 * 1024;
const skip = chromiumSkipReason();

describe('Chromium with protocol ietf-draft-12, cross-origin to our server', {
  skip,
  timeout: 180_000,
}, () => {
  let suite: BrowserSuite;
  let ours: StartedOurServer;
  const seen: Array<{ method: string; headers: IncomingHttpHeaders; status: number }> = [];

  before(async () => {
    suite = await startBrowserSuite();
    // CORS is closed by default: the page's origin is listed.
    ours = await startOurServer({ allowedOrigins: [suite.origin] });
    ours.server.httpServer?.prependListener('request', (req, res) => {
      res.on('finish', () =>
        seen.push({ method: req.method ?? '', headers: req.headers, status: res.statusCode }),
      );
    });
  });
  afterEach(() => {
    seen.length = 0;
  });
  after(async () => {
    await suite?.close();
    await ours?.close();
  });

  const upload = (o: Record<string, unknown>) =>
    evaluate<UploadResult>(suite.page, 'upload', {
      endpoint: ours.endpoint,
      ...o,
      client: { protocol: 'ietf-draft-12', ...(o.client as object | undefined) },
    });

  it('a 3 MiB + 1 Blob in 1 MiB chunks: an empty ?0 creation, sha-256 Content-Digests, ?1 last', async () => {
    const size = 3 * MiB + 1;
    const result = await upload({ size, seed: 81, kind: 'blob', client: { chunkSize: MiB } });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 81)));
    const draft = seen.filter((r) => r.method !== 'OPTIONS');
    assert.ok(draft.every((r) => r.headers['upload-draft-interop-version'] === '9'));
    assert.ok(draft.every((r) => typeof r.headers.origin === 'string' && r.headers.origin !== ''));
    const [create, ...appends] = draft;
    assert.equal(create?.method, 'POST');
    assert.equal(create?.headers['upload-complete'], '?0');
    assert.equal(create?.headers['content-length'] ?? '0', '0');
    assert.deepEqual(
      appends.map((r) => [r.method, r.headers['upload-complete'], r.status]),
      [
        ['PATCH', '?0', 204],
        ['PATCH', '?0', 204],
        ['PATCH', '?0', 204],
        ['PATCH', '?1', 200],
      ],
    );
    for (const append of appends) {
      assert.match(String(append.headers['content-digest']), /^sha-256=:[A-Za-z0-9+/]+=*:$/);
    }
    assert.equal(result.stats?.checksumAlgorithm, 'sha256');
  });

  it('a ReadableStream of unknown size: completed by its last append', async () => {
    const size = 2 * MiB + 7;
    const result = await upload({ size, seed: 82, kind: 'stream', unknownSize: true });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.progress.at(-1), size);
    assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 82)));
    assert.equal(seen.find((r) => r.method === 'POST')?.headers['upload-length'], undefined);
  });

  it('abort, then resume from the URL in the page: the same upload, the bytes whole', async () => {
    const size = 3 * MiB;
    const first = await upload({
      size,
      seed: 83,
      kind: 'blob',
      abortAt: MiB,
      client: { chunkSize: MiB },
    });
    assert.equal(first.error?.name, 'TusAbortError', JSON.stringify(first.error));
    const url = first.error?.uploadUrl;
    assert.ok(typeof url === 'string');
    const second = await upload({
      size,
      seed: 83,
      kind: 'blob',
      resumeUrl: url,
      client: { chunkSize: MiB },
    });
    assert.equal(second.error, undefined, JSON.stringify(second.error));
    assert.equal(second.url, url);
    assert.equal(await fileSha256(ours.dataPath(url)), sha256Hex(makeBytes(size, 83)));
  });
  it("protocol: 'auto' reads the cross-origin OPTIONS answer and speaks interop 9", async () => {
    const size = MiB + 3;
    const result = await upload({
      size,
      seed: 83,
      kind: 'blob',
      client: { protocol: 'auto', chunkSize: MiB },
    });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.stats?.protocol, 'ietf-draft-12');
    assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 83)));
    // The preflight and the one OPTIONS the client asks, then the draft's requests.
    const asked = seen.filter(
      (r) => r.method === 'OPTIONS' && r.headers['access-control-request-method'] === undefined,
    );
    assert.equal(asked.length, 1);
    const draft = seen.filter((r) => r.method !== 'OPTIONS');
    assert.ok(draft.length >= 3);
    assert.ok(draft.every((r) => r.headers['upload-draft-interop-version'] === '9'));
  });
});
