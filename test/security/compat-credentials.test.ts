/**
 * Issue 25.4: every request of the tus-js-client face follows the core's credential rule:
 * `Authorization` and `Cookie` (from `headers` or set in `onBeforeRequest`) go only to the
 * origin they were given for (the `endpoint`; without one, the `uploadUrl` or the URL given
 * to `Upload.terminate`). Two fronts on 127.0.0.1 (two ports, two origins) before our
 * server: creation on A answers with a Location on B; B records what it receives.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  FileUrlStorage,
  type HttpRequest,
  Upload,
  type UploadOptions,
} from '../../src/index.tus-js-client.node.js';
import { sha256, startUpload } from '../compat/run-upload.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { type Front, onOrigin, type SeenRequest, startFront } from './helpers/front.js';

const KiB = 1024;
const SECRETS = { Authorization: 'Bearer face-secret-token', Cookie: 'session=face-secret' };
const CREDENTIAL_NAMES = ['authorization', 'cookie'];

const bytesOf = (size: number, seed: number) =>
  Uint8Array.from({ length: size }, (_, i) => (i * 13 + seed * 5 + (i >> 8)) % 256);

/** The requests of `front` that carried a credential, as `METHOD path: names`. */
function leaks(front: Front): string[] {
  return front.requests
    .map((r) => [r, CREDENTIAL_NAMES.filter((n) => r.headers[n] !== undefined)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([r, names]) => `${r.method} ${r.path}: ${names.join(', ')}`);
}

const methods = (requests: readonly SeenRequest[]) => requests.map((r) => r.method);

describe('the compat face: credentials stay on their origin (issue 25.4)', {
  timeout: 60_000,
}, () => {
  let server: StartedOurServer;
  /** Another origin, where the endpoint's Locations point. */
  let b: Front;
  /** The endpoint's origin. */
  let a: Front;
  let dir: string;

  before(async () => {
    server = await startOurServer();
    const target = new URL(server.endpoint).origin;
    b = await startFront({ target });
    a = await startFront({ target, location: (location) => onOrigin(location, b.origin) });
    dir = await mkdtemp(join(tmpdir(), 'compat-credentials-'));
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const reset = () => {
    a.requests.length = 0;
    b.requests.length = 0;
  };
  const stored = async (url: string) => sha256(await readFile(server.dataPath(url)));
  const endpoint = () => `${a.origin}/files`;

  /** Starts an upload of `data` and runs `abort(shouldTerminate)` after its first chunk. */
  const abortAfterFirstChunk = async (
    data: Uint8Array,
    options: UploadOptions,
    shouldTerminate: boolean,
  ) => {
    let aborted: Promise<void> | undefined;
    let settle!: () => void;
    const stopped = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const run = startUpload(Buffer.from(data), {
      ...options,
      chunkSize: 32 * KiB,
      onChunkComplete: () => {
        if (aborted !== undefined) return;
        aborted = run.upload.abort(shouldTerminate);
        aborted.then(settle, settle);
      },
    });
    run.done.then(
      () => assert.fail('the aborted upload succeeded'),
      (error) => assert.fail(`onError after abort: ${String(error)}`),
    );
    await stopped;
    await aborted;
    return run;
  };

  it('abort(true): the DELETE on the other origin carries no credential (nor do its PATCHes)', async () => {
    reset();
    const run = await abortAfterFirstChunk(
      bytesOf(128 * KiB, 1),
      { endpoint: endpoint(), headers: SECRETS, retryDelays: null },
      true,
    );
    const url = run.upload.url!;
    assert.equal(new URL(url).origin, b.origin);
    assert.ok(methods(b.requests).includes('DELETE'), methods(b.requests).join());
    assert.ok(methods(b.requests).includes('PATCH'), methods(b.requests).join());
    assert.deepEqual(leaks(b), []);
    assert.equal(
      a.requests.find((r) => r.method === 'POST')?.headers.authorization,
      SECRETS.Authorization,
    );
    assert.equal(await server.server.getUpload(url.split('/').pop()!), undefined, 'deleted');
  });

  it('resume after abort(): the HEAD and PATCHes on the other origin carry none; bytes intact', async () => {
    reset();
    const data = bytesOf(128 * KiB + 7, 2);
    const options = { endpoint: endpoint(), headers: SECRETS, retryDelays: null };
    const first = await abortAfterFirstChunk(data, options, false);
    const second = startUpload(Buffer.from(data), options, false);
    second.upload.url = first.upload.url;
    second.upload.start();
    await second.done;
    assert.equal(await stored(first.upload.url!), sha256(data));
    assert.ok(methods(b.requests).includes('HEAD'), methods(b.requests).join());
    assert.deepEqual(leaks(b), []);
  });

  it('credentials set in onBeforeRequest follow the same rule', async () => {
    reset();
    const data = bytesOf(100 * KiB, 3);
    const onBeforeRequest = (req: HttpRequest) => {
      req.setHeader('Authorization', SECRETS.Authorization);
      req.setHeader('Cookie', SECRETS.Cookie);
    };
    const run = await abortAfterFirstChunk(
      data,
      { endpoint: endpoint(), onBeforeRequest, retryDelays: null },
      true,
    );
    assert.ok(methods(b.requests).includes('DELETE'), methods(b.requests).join());
    assert.deepEqual(leaks(b), []);
    assert.equal(a.requests.find((r) => r.method === 'POST')?.headers.cookie, SECRETS.Cookie);
    reset();
    const upload = startUpload(Buffer.from(data), {
      endpoint: endpoint(),
      onBeforeRequest,
      chunkSize: 40 * KiB,
    });
    await upload.done;
    assert.equal(await stored(upload.upload.url!), sha256(data));
    assert.deepEqual(leaks(b), []);
    assert.ok(run.upload.url !== upload.upload.url);
  });

  it('Upload.terminate(url, { endpoint, headers }): none to a URL off the endpoint', async () => {
    reset();
    const run = await abortAfterFirstChunk(
      bytesOf(96 * KiB, 4),
      { endpoint: endpoint(), retryDelays: null },
      false,
    );
    const url = run.upload.url!;
    reset();
    await Upload.terminate(url, { endpoint: endpoint(), headers: SECRETS, retryDelays: null });
    assert.deepEqual(methods(b.requests), ['DELETE']);
    assert.deepEqual(leaks(b), []);
    assert.equal(await server.server.getUpload(url.split('/').pop()!), undefined, 'deleted');
  });

  it('Upload.terminate(url, { headers }) without an endpoint: the headers are for that URL', async () => {
    reset();
    const run = await abortAfterFirstChunk(
      bytesOf(96 * KiB, 5),
      { endpoint: endpoint(), retryDelays: null },
      false,
    );
    reset();
    await Upload.terminate(run.upload.url!, { headers: SECRETS, retryDelays: null });
    assert.equal(b.requests[0]?.headers.authorization, SECRETS.Authorization);
  });

  for (const withEndpoint of [true, false]) {
    it(`findPreviousUploads + resumeFromPreviousUpload (${withEndpoint ? 'with' : 'without'} an endpoint): none to the stored URL's origin`, async () => {
      reset();
      const data = bytesOf(128 * KiB + 3, withEndpoint ? 6 : 7);
      const urlStorage = new FileUrlStorage(join(dir, `urls-${withEndpoint}.json`));
      const fingerprint = async () => `fp-${withEndpoint}`;
      const first = await abortAfterFirstChunk(
        data,
        { endpoint: endpoint(), headers: SECRETS, urlStorage, fingerprint, retryDelays: null },
        false,
      );
      const second = startUpload(
        Buffer.from(data),
        {
          endpoint: withEndpoint ? endpoint() : null,
          headers: SECRETS,
          urlStorage,
          fingerprint,
          retryDelays: null,
        },
        false,
      );
      const [previous] = await second.upload.findPreviousUploads();
      assert.equal(previous?.uploadUrl, first.upload.url);
      second.upload.resumeFromPreviousUpload(previous!);
      second.upload.start();
      await second.done;
      assert.equal(await stored(first.upload.url!), sha256(data));
      assert.ok(methods(b.requests).includes('HEAD'), methods(b.requests).join());
      assert.deepEqual(leaks(b), []);
      // And abort(true) of the resumed upload: its DELETE carries none either.
      reset();
      await second.upload.abort(true);
      assert.deepEqual(methods(b.requests), ['DELETE']);
      assert.deepEqual(leaks(b), []);
    });
  }

  it('sensitiveHeaders are kept to the endpoint too; sendCredentialsTo lets an origin have them', async () => {
    reset();
    const headers = { ...SECRETS, 'X-Api-Key': 'face-secret-key', 'X-Trace': 't-1' };
    await abortAfterFirstChunk(
      bytesOf(96 * KiB, 9),
      { endpoint: endpoint(), headers, sensitiveHeaders: ['x-api-key'], retryDelays: null },
      true,
    );
    assert.ok(methods(b.requests).includes('DELETE'), methods(b.requests).join());
    for (const r of b.requests) {
      assert.equal(r.headers['x-api-key'], undefined, `${r.method} ${r.path}`);
      assert.equal(r.headers['x-trace'], 't-1', 'other headers go everywhere');
    }
    reset();
    await abortAfterFirstChunk(
      bytesOf(96 * KiB, 10),
      { endpoint: endpoint(), headers, sendCredentialsTo: [b.origin], retryDelays: null },
      true,
    );
    assert.ok(methods(b.requests).includes('DELETE'), methods(b.requests).join());
    for (const r of b.requests) assert.equal(r.headers.authorization, SECRETS.Authorization);
    assert.throws(
      () => new Upload(Buffer.from('x'), { endpoint: endpoint(), sendCredentialsTo: ['nope'] }),
      /^TypeError: tus: sendCredentialsTo: "nope" is not an http\(s\) origin/,
    );
  });

  it('uploadUrl without an endpoint: the headers are for the uploadUrl (as tus-js-client)', async () => {
    reset();
    const data = bytesOf(96 * KiB, 8);
    const first = await abortAfterFirstChunk(
      data,
      { endpoint: endpoint(), retryDelays: null },
      false,
    );
    reset();
    const run = startUpload(Buffer.from(data), {
      uploadUrl: first.upload.url,
      headers: SECRETS,
      retryDelays: null,
    });
    await run.done;
    assert.equal(await stored(first.upload.url!), sha256(data));
    assert.ok(b.requests.length > 0);
    for (const r of b.requests) assert.equal(r.headers.authorization, SECRETS.Authorization);
  });
});
