/**
 * Issue 16.2: no error shows a password or a signed-URL token, in its message, its
 * stack, `String()`, `util.inspect` or `JSON.stringify`, down its `cause` chain; and the
 * upload URL an error carries still resumes the upload. Against real servers behind a
 * front that signs the upload URLs it hands out (`?sig=…&X-Amz-Signature=…`).
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import * as browserEntry from '../../src/index.browser.js';
import {
  redactUrl,
  TusAbortError,
  TusClient,
  TusCommunicationError,
  TusError,
  TusNetworkError,
  TusTimeoutError,
  TusUploadFailed,
} from '../../src/index.node.js';
import type { StartedTusServer } from '../helpers/tus-node-server.js';
import { bytes, KiB, sha256, sha256File } from '../integration/client/fixtures.js';
import { type Front, startFront } from './helpers/front.js';
import { REAL_SERVERS } from './helpers/servers.js';

/** Every secret the tests hand out; none may appear in anything an error shows. */
const SECRETS = [
  'TOPSECRET-PW',
  'TOPSECRET-SIG',
  'TOPSECRET-AMZ',
  'TOPSECRET-T',
  'TOPSECRET-COOKIE',
];
const SIGNED = '?sig=TOPSECRET-SIG&X-Amz-Signature=TOPSECRET-AMZ&part=1';

/** Everything a person or a log could see of `error`, down the cause chain. */
function shownOf(error: unknown): string {
  const out: string[] = [inspect(error, { depth: null }), JSON.stringify(error) ?? ''];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    out.push(String(e), e.message, e.stack ?? '', JSON.stringify(e) ?? '', inspect(e));
  }
  return out.join('\n');
}

function assertNoSecret(error: unknown): void {
  assert.ok(error instanceof TusError, `a TusError: ${String(error)}`);
  const shown = shownOf(error);
  for (const secret of SECRETS) {
    assert.ok(!shown.includes(secret), `${secret} shows in:\n${shown}`);
  }
}

describe('redactUrl', () => {
  const cases: [string, string][] = [
    ['https://me:pw@tus.example.com/files/ab', 'https://tus.example.com/files/ab'],
    ['http://me@h/files', 'http://h/files'],
    ['http://a@b:c@h/x', 'http://h/x'],
    ['http://h/files/ab?sig=abc&part=2', 'http://h/files/ab?sig=[redacted]&part=2'],
    [
      'https://s3.example.com/b/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=ff&X-Amz-Security-Token=tt&X-Amz-Expires=60',
      'https://s3.example.com/b/k?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Security-Token=[redacted]&X-Amz-Expires=60',
    ],
    [
      'https://g/o?X-Goog-Signature=1&token=2&access_token=3&api_key=4',
      'https://g/o?X-Goog-Signature=[redacted]&token=[redacted]&access_token=[redacted]&api_key=[redacted]',
    ],
    ['https://h/f#access_token=x&state=s', 'https://h/f#access_token=[redacted]&state=s'],
    ['/files/ab?token=t', '/files/ab?token=[redacted]'],
    ['//u:p@h/x', '//h/x'],
    ['not a url ?sig=x', 'not a url ?sig=[redacted]'],
    ['http://h/files/ab', 'http://h/files/ab'],
  ];
  for (const [url, shown] of cases) {
    it(`${url} → ${shown}`, () => {
      assert.equal(redactUrl(url), shown);
      assert.equal(redactUrl(shown), shown, 'redacting twice changes nothing');
    });
  }

  it('is exported by both entry points, the same function', () => {
    assert.equal(typeof browserEntry.redactUrl, 'function');
    assert.equal(browserEntry.redactUrl, redactUrl);
  });
});

for (const real of REAL_SERVERS) {
  describe(`errors show no secret; their uploadUrl resumes (${real.name})`, {
    timeout: 60_000,
  }, () => {
    let server: StartedTusServer;
    let front: Front;
    /** PATCH numbers (1-based, per upload) the front fails with a 500. */
    let failPatches = new Set<number>();
    let patches = 0;

    before(async () => {
      server = await real.start();
      front = await startFront({
        target: new URL(server.endpoint).origin,
        dropQuery: true,
        // Relative: the upload URL keeps the endpoint's user:password@ (as in the issue).
        location: (location) => `${new URL(location).pathname}${SIGNED}`,
        answer: (req) => {
          if (req.method !== 'PATCH') return undefined;
          patches++;
          if (!failPatches.has(patches)) return undefined;
          return {
            status: 500,
            headers: {
              'Set-Cookie': 'session=TOPSECRET-COOKIE',
              Location: `${front.origin}${req.path}`,
            },
            body: `could not store ${req.path}`,
          };
        },
      });
    });
    after(async () => {
      await front?.close();
      await server?.close();
    });

    const endpoint = () => `${front.origin.replace('//', '//user:TOPSECRET-PW@')}/files`;

    it('TusUploadFailed: nothing shows the password or the tokens; err.uploadUrl resumes the upload', async () => {
      const data = bytes(300 * KiB, 21);
      const client = new TusClient(endpoint(), { chunkSize: 100 * KiB, maxRetries: 0 });
      patches = 0;
      failPatches = new Set([2]);
      try {
        const error = await client.uploadFile({ input: data }).then(
          () => assert.fail('the second PATCH fails'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof TusUploadFailed, String(error));
        assertNoSecret(error);
        assert.match(error.message, /sig=\[redacted\]/);
        assert.equal(error.responseHeaders?.['set-cookie'], '[redacted]');
        assert.ok(error.uploadUrl?.includes('TOPSECRET-SIG'), 'the whole URL is kept to resume');
        assert.ok(error.uploadUrl?.includes('TOPSECRET-PW'));
        assert.ok(!Object.keys(error).includes('uploadUrl'), 'and is not enumerable');
        const url = await client.resumeUpload({ uploadUrl: error.uploadUrl!, input: data });
        assert.equal(url, error.uploadUrl);
        const last = front.requests.at(-1)!;
        assert.ok(last.path.endsWith(SIGNED), `the resume used the signed URL: ${last.path}`);
        assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      } finally {
        await client.close();
      }
    });

    it('TusAbortError: the same, and err.uploadUrl resumes', async () => {
      const data = bytes(300 * KiB, 22);
      const client = new TusClient(endpoint(), { chunkSize: 100 * KiB });
      const controller = new AbortController();
      failPatches = new Set();
      try {
        const error = await client
          .uploadFile({
            input: data,
            signal: controller.signal,
            onProgress: (stats) => {
              if (stats.bytesUploaded >= 100 * KiB) controller.abort();
            },
          })
          .then(
            () => assert.fail('aborted'),
            (e: unknown) => e,
          );
        assert.ok(error instanceof TusAbortError, String(error));
        assertNoSecret(error);
        const url = await client.resumeUpload({ uploadUrl: error.uploadUrl!, input: data });
        assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      } finally {
        await client.close();
      }
    });

    it('a TusCommunicationError (404 of a signed URL) shows no token', async () => {
      const client = new TusClient(endpoint(), { maxRetries: 0 });
      try {
        await assert.rejects(
          client.getUploadInfo(`${front.origin}/files/missing?token=TOPSECRET-T`),
          (error) => {
            assert.ok(error instanceof TusCommunicationError);
            assert.equal(error.status, 404);
            assertNoSecret(error);
            return true;
          },
        );
      } finally {
        await client.close();
      }
    });
  });
}

describe('errors below HTTP show no secret', { timeout: 30_000 }, () => {
  let silent: Server;
  const held: Socket[] = [];
  let silentPort = 0;
  let closedPort = 0;

  before(async () => {
    // Accepts connections and never answers: a timeout.
    silent = createServer((socket) => {
      held.push(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(() => {
    silent?.close();
    for (const socket of held) socket.destroy();
  });

  const signedAt = (port: number) =>
    `http://user:TOPSECRET-PW@127.0.0.1:${port}/files?token=TOPSECRET-T`;

  for (const entry of ['Node', 'fetch'] as const) {
    const make = (url: string) =>
      entry === 'Node'
        ? new TusClient(url, { maxRetries: 0, timeout: 300 })
        : new browserEntry.TusClient(url, { maxRetries: 0, timeout: 300 });

    it(`${entry}: a refused connection (TusNetworkError, then TusUploadFailed)`, async () => {
      const client = make(signedAt(closedPort));
      try {
        await assert.rejects(client.getServerInfo(), (error) => {
          assert.ok(error instanceof TusNetworkError, String(error));
          assertNoSecret(error);
          return true;
        });
        await assert.rejects(client.uploadFile({ input: bytes(10, 1) }), (error) => {
          assertNoSecret(error);
          return true;
        });
      } finally {
        await client.close();
      }
    });

    it(`${entry}: a timeout (TusTimeoutError)`, async () => {
      const client = make(signedAt(silentPort));
      try {
        await assert.rejects(client.getServerInfo(), (error) => {
          assert.ok(
            error instanceof TusTimeoutError || error instanceof TusNetworkError,
            String(error),
          );
          assertNoSecret(error);
          return true;
        });
      } finally {
        await client.close();
      }
    });
  }
});
