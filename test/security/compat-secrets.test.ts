/**
 * Issue 25.5: no `DetailedError` of the tus-js-client face shows a password or a
 * signed-URL token — not its message, `String()`, `stack`, `util.inspect` or
 * `JSON.stringify`, nor those of its request and response objects, down the cause chain —
 * on every error path (creation, PATCH, HEAD, DELETE, `Upload.terminate`, no response);
 * and neither does the debug log. What code reads (`originalRequest.getURL()`,
 * `upload.url`) stays whole. Our server behind a front that signs the upload URLs it hands
 * out and fails the requests the test picks.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { TusClient } from '../../src/index.node.js';
import {
  DetailedError,
  enableDebugLog,
  Upload,
  type UploadOptions,
} from '../../src/index.tus-js-client.node.js';
import { buildConcatFinal } from '../../src/protocol/concat.js';
import { startUpload } from '../compat/run-upload.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { type Front, type SeenRequest, startFront } from './helpers/front.js';

const KiB = 1024;
const SECRETS = ['TOPSECRET-PW', 'TOPSECRET-AMZ', 'TOPSECRET-T', 'TOPSECRET-COOKIE'];
const SIGNED = '?X-Amz-Signature=TOPSECRET-AMZ&token=TOPSECRET-T&part=1';

/** Everything a person or a log could see of `error`, its request, response and causes. */
function shownOf(error: unknown): string {
  const out: string[] = [inspect(error, { depth: null }), JSON.stringify(error) ?? ''];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    out.push(String(e), e.message, e.stack ?? '', JSON.stringify(e) ?? '', inspect(e));
  }
  if (error instanceof DetailedError) {
    for (const part of [
      error.originalRequest,
      error.originalResponse,
      error.originalRequest?.getUnderlyingObject(),
      error.originalResponse?.getUnderlyingObject(),
    ]) {
      if (part == null) continue;
      out.push(String(part), JSON.stringify(part) ?? '', inspect(part, { depth: null }));
    }
  }
  return out.join('\n');
}

function assertNoSecret(error: unknown): asserts error is DetailedError {
  assert.ok(error instanceof DetailedError, `a DetailedError: ${String(error)}`);
  const shown = shownOf(error);
  for (const secret of SECRETS) {
    assert.ok(!shown.includes(secret), `${secret} shows in:\n${shown}`);
  }
}

describe('the compat face: DetailedError shows no secret (issue 25.5)', { timeout: 60_000 }, () => {
  let server: StartedOurServer;
  let front: Front;
  /** The method the front fails (500, a body naming the URL, a cookie), `undefined`: none. */
  let fail: string | undefined;
  /** How the front fails it. */
  let failStatus = 500;

  before(async () => {
    server = await startOurServer();
    front = await startFront({
      target: new URL(server.endpoint).origin,
      dropQuery: true,
      // Relative: the upload URL keeps the endpoint's user:password@ (as in the issue).
      location: (location) => `${new URL(location).pathname}${SIGNED}`,
      answer: (req: SeenRequest) => {
        if (req.method !== fail) return undefined;
        return {
          status: failStatus,
          headers: {
            'Set-Cookie': 'session=TOPSECRET-COOKIE',
            Location: `http://user:TOPSECRET-PW@127.0.0.1${req.path}`,
          },
          body: `nothing for http://user:TOPSECRET-PW@127.0.0.1${req.path}`,
        };
      },
    });
  });
  after(async () => {
    await front?.close();
    await server?.close();
  });

  const withSecrets = (origin: string) => origin.replace('//', '//user:TOPSECRET-PW@');
  const endpoint = () => `${withSecrets(front.origin)}/files${SIGNED}`;
  const options = (extra: UploadOptions = {}): UploadOptions => ({
    endpoint: endpoint(),
    chunkSize: 32 * KiB,
    retryDelays: null,
    ...extra,
  });

  /** The URL of an upload made through the front and left incomplete: user:pw@ and signed. */
  const incompleteUpload = async (): Promise<string> => {
    fail = undefined;
    let stopping = false;
    let settle!: () => void;
    const stopped = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const run = startUpload(Buffer.alloc(96 * KiB, 1), {
      ...options(),
      onChunkComplete: () => {
        if (stopping) return;
        stopping = true;
        run.upload.abort().then(settle, settle);
      },
    });
    run.done.catch(() => {});
    await stopped;
    const url = run.upload.url!;
    assert.ok(url.includes('TOPSECRET-PW') && url.includes('TOPSECRET-AMZ'), url);
    return url;
  };

  const failureOf = async (run: { done: Promise<unknown> }): Promise<unknown> =>
    run.done.then(
      () => assert.fail('the upload succeeded'),
      (error: unknown) => error,
    );

  it('failed creation (POST)', async () => {
    fail = 'POST';
    const run = startUpload(Buffer.alloc(10 * KiB, 2), options());
    const error = await failureOf(run);
    assertNoSecret(error);
    assert.equal(error.originalRequest?.getMethod(), 'POST');
    assert.equal(error.originalRequest?.getURL(), endpoint(), 'what code reads stays whole');
    assert.equal(error.originalResponse?.getStatus(), 500);
    assert.match(error.message, /response code: 500/);
    assert.match(error.message, /X-Amz-Signature=\[redacted\]&token=\[redacted\]&part=1/);
  });

  it('failed PATCH', async () => {
    fail = 'PATCH';
    const run = startUpload(Buffer.alloc(10 * KiB, 3), options());
    const error = await failureOf(run);
    assertNoSecret(error);
    assert.equal(error.originalRequest?.getMethod(), 'PATCH');
    assert.ok(error.originalRequest?.getURL().includes('TOPSECRET-AMZ'));
    assert.equal(error.originalResponse?.getStatus(), 500);
    assert.ok(run.upload.url?.includes('TOPSECRET-PW'), 'upload.url is the whole URL');
  });

  it('failed HEAD (resume): a 500, and a 404 without an endpoint', async () => {
    const url = await incompleteUpload();
    fail = 'HEAD';
    failStatus = 500;
    const error = await failureOf(
      startUpload(Buffer.alloc(96 * KiB, 1), options({ uploadUrl: url })),
    );
    assertNoSecret(error);
    assert.equal(error.originalRequest?.getMethod(), 'HEAD');
    failStatus = 404;
    try {
      const gone = await failureOf(
        startUpload(Buffer.alloc(96 * KiB, 1), options({ endpoint: null, uploadUrl: url })),
      );
      assertNoSecret(gone);
      assert.match(gone.message, /unable to resume upload/);
    } finally {
      failStatus = 500;
    }
  });

  it('failed DELETE of abort(true), and of Upload.terminate', async () => {
    const url = await incompleteUpload();
    fail = 'DELETE';
    const run = startUpload(Buffer.alloc(96 * KiB, 1), options({ uploadUrl: url }), false);
    run.upload.url = url;
    const aborted = await run.upload.abort(true).then(
      () => assert.fail('the DELETE fails'),
      (error: unknown) => error,
    );
    assertNoSecret(aborted);
    assert.equal(aborted.originalRequest?.getMethod(), 'DELETE');
    assert.match(aborted.message, /unexpected response while terminating upload/);
    const terminated = await Upload.terminate(url, { retryDelays: null }).then(
      () => assert.fail('the DELETE fails'),
      (error: unknown) => error,
    );
    assertNoSecret(terminated);
    assert.equal(terminated.originalRequest?.getURL(), url);
  });

  it('onShouldRetry gets the same redacted error', async () => {
    fail = 'PATCH';
    const seen: unknown[] = [];
    const run = startUpload(
      Buffer.alloc(10 * KiB, 4),
      options({
        retryDelays: [0],
        onShouldRetry: (error) => {
          seen.push(error);
          return false;
        },
      }),
    );
    assertNoSecret(await failureOf(run));
    assert.equal(seen.length, 1);
    assertNoSecret(seen[0]);
  });

  describe('no response at all', () => {
    let silent: Server;
    before(async () => {
      silent = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    after(() => new Promise<void>((resolve) => silent.close(() => resolve())));

    it('Upload.terminate and creation, the connection reset', async () => {
      const origin = withSecrets(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
      const url = `${origin}/files/abc${SIGNED}`;
      const terminated = await Upload.terminate(url, { retryDelays: null }).then(
        () => assert.fail('no answer'),
        (error: unknown) => error,
      );
      assertNoSecret(terminated);
      assert.equal(terminated.originalResponse, null);
      assert.match(terminated.message, /failed to terminate upload/);
      const created = await failureOf(
        startUpload(Buffer.alloc(KiB), { endpoint: `${origin}/files${SIGNED}`, retryDelays: null }),
      );
      assertNoSecret(created);
    });
  });

  it('a URL the client refuses (unparsable, not http): the error and its cause show none', async () => {
    const unparsable = `http://user:TOPSECRET-PW@[bad/files${SIGNED}`;
    const notHttp = `ftp://user:TOPSECRET-PW@127.0.0.1/files/x${SIGNED}`;
    const terminated = await Upload.terminate(unparsable, { retryDelays: null }).then(
      () => assert.fail('refused'),
      (error: unknown) => error,
    );
    assertNoSecret(terminated);
    assert.match(terminated.message, /must be an absolute http\(s\) URL/);
    assertNoSecret(await failureOf(startUpload(Buffer.alloc(KiB), { endpoint: unparsable })));
    assertNoSecret(await failureOf(startUpload(Buffer.alloc(KiB), { uploadUrl: notHttp })));
  });

  it('the debug log shows no secret', async () => {
    fail = undefined;
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    };
    try {
      enableDebugLog();
      const url = await incompleteUpload();
      const run = startUpload(Buffer.alloc(96 * KiB, 1), options({ uploadUrl: url }));
      await run.done;
    } finally {
      console.log = log;
    }
    const shown = lines.join('\n');
    assert.match(shown, /Created upload at /);
    assert.match(shown, /Resuming upload from /);
    for (const secret of SECRETS) assert.ok(!shown.includes(secret), `${secret} in:\n${shown}`);
  });
});

describe('messages of refused arguments show no secret (the same pattern in the core)', () => {
  const secretUrl = `http://user:TOPSECRET-PW@[bad/a/long/path/to/make/the/url/longer/than/sixty${SIGNED}`;
  const assertClean = (run: () => unknown, kind: typeof TypeError | typeof RangeError) => {
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof kind, String(error));
      const shown = [String(error), inspect(error), (error as Error).stack].join('\n');
      for (const secret of SECRETS) assert.ok(!shown.includes(secret), shown);
      return true;
    });
  };

  it('new TusClient(url) and its sendCredentialsTo/proxy options', () => {
    assertClean(() => new TusClient(secretUrl), TypeError);
    assertClean(
      () => new TusClient('http://h/files', { sendCredentialsTo: [secretUrl] }),
      TypeError,
    );
    assertClean(
      () => new TusClient('http://h/files', { proxy: 'socks://user:TOPSECRET-PW@proxy:1080' }),
      TypeError,
    );
  });

  it("the face's sendCredentialsTo", () => {
    assertClean(
      () =>
        new Upload(Buffer.from('x'), {
          endpoint: 'http://h/files',
          sendCredentialsTo: [secretUrl],
        }),
      TypeError,
    );
  });

  it('buildConcatFinal with a partial URL that has spaces', () => {
    assertClean(() => buildConcatFinal([`http://user:TOPSECRET-PW@h/a b${SIGNED}`]), RangeError);
  });
});
