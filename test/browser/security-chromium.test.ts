/**
 * Issue 16, points 1, 2 and 5 in headless Chromium, through the built browser bundle with
 * whatever transport its entry uses: credentials stay on the endpoint's origin, an https
 * client sends nothing to http:, redirects are refused, errors show no secret (and their
 * uploadUrl resumes), and a HEAD answered with a body is the 404. The servers are our own
 * behind scripted fronts (test/security/helpers) with CORS, and an HTTPS front with a
 * certificate made at test time (Chromium runs with --ignore-certificate-errors).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { type Front, onOrigin, startFront } from '../security/helpers/front.js';
import { startHeadBodyServer } from '../security/helpers/head-body-server.js';
import { selfSignedCertificate } from '../security/helpers/tls.js';
import {
  chromiumSkipReason,
  harnessFiles,
  launchChromium,
  type StaticServer,
  startStaticServer,
} from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import { openHarness } from './helpers/page.js';

const skip = chromiumSkipReason();
const tls = selfSignedCertificate();

/** What a page-side scenario returns: the upload URL, or the error described. */
interface Outcome {
  url?: string;
  error?: {
    name: string;
    code?: string;
    reason?: string;
    status?: number;
    message: string;
    /** `String(error)`, `error.stack` and `JSON.stringify(error)`, down the cause chain. */
    shown: string;
    uploadUrl?: string;
  };
  resumed?: string;
}

interface Scenario {
  endpoint: string;
  size: number;
  seed: number;
  client?: Record<string, unknown>;
  /** Call this client method with these arguments instead of uploading. */
  call?: { method: string; args: unknown[] };
  /** Resume from the error's uploadUrl once the upload failed. */
  resume?: boolean;
}

/**
 * The page-side half, plain JavaScript run in the page (a function handed to
 * page.evaluate would carry tsx's `__name` helpers, which the page lacks): one scenario
 * with the bundle's TusClient, errors described with all they show.
 */
const RUN_IN_PAGE = `async (s) => {
  const { lib, makeBytes } = window.harness;
  const describeError = (e) => {
    const shown = [];
    for (let c = e; c instanceof Error; c = c.cause) {
      shown.push(String(c), c.message, c.stack ?? '', JSON.stringify(c) ?? '');
    }
    return { name: e.name, message: e.message, shown: shown.join('\\n'), code: e.code,
      reason: e.reason, status: e.status, uploadUrl: e.uploadUrl };
  };
  const client = new lib.TusClient(s.endpoint, s.client ?? {});
  const input = makeBytes(s.size, s.seed);
  const out = {};
  try {
    if (s.call !== undefined) await client[s.call.method](...s.call.args);
    else out.url = await client.uploadFile({ input });
  } catch (error) {
    out.error = describeError(error);
    if (s.resume && out.error.uploadUrl !== undefined) {
      out.resumed = await client.resumeUpload({ uploadUrl: out.error.uploadUrl, input });
    }
  } finally {
    await client.close();
  }
  return out;
}`;

/** Runs one scenario in the page with the bundle's TusClient. */
async function run(page: Page, scenario: Scenario): Promise<Outcome> {
  return (await page.evaluate(`(${RUN_IN_PAGE})(${JSON.stringify(scenario)})`)) as Outcome;
}

describe('Chromium: issue 16 (credentials, redirects, secrets, HEAD with a body)', {
  skip,
  timeout: 180_000,
}, () => {
  let ours: StartedOurServer;
  let site: StaticServer;
  let browser: Browser;
  let page: Page;
  /** Where hostile Locations point: records, forwards to our server. */
  let elsewhere: Front;
  /** The endpoint: forwards to our server, answers creation with `elsewhere`. */
  let endpoint: Front;

  before(async () => {
    ours = await startOurServer();
    const target = new URL(ours.endpoint).origin;
    elsewhere = await startFront({ target, cors: true });
    endpoint = await startFront({
      target,
      cors: true,
      location: (location) => onOrigin(location, elsewhere.origin),
    });
    site = await startStaticServer(harnessFiles());
    browser = await launchChromium(['--ignore-certificate-errors']);
    page = await openHarness(browser, site.origin);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await endpoint?.close();
    await elsewhere?.close();
    await ours?.close();
  });

  it('a Location on another origin gets the PATCHes without Authorization or a sensitive header', async () => {
    elsewhere.requests.length = 0;
    endpoint.requests.length = 0;
    const size = 300_000;
    const outcome = await run(page, {
      endpoint: `${endpoint.origin}/files`,
      size,
      seed: 31,
      client: {
        chunkSize: 100_000,
        headers: { Authorization: 'Bearer top-secret', 'X-Api-Key': 'top-secret', 'X-Trace': 't' },
        sensitiveHeaders: ['X-Api-Key'],
      },
    });
    assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.ok(outcome.url?.startsWith(elsewhere.origin), outcome.url);
    const post = endpoint.calls().find((r) => r.method === 'POST');
    assert.equal(post?.headers.authorization, 'Bearer top-secret');
    assert.equal(post?.headers['x-api-key'], 'top-secret');
    const patches = elsewhere.calls().filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, 3);
    for (const req of elsewhere.requests) {
      assert.equal(req.headers.authorization, undefined, `${req.method} ${req.path}`);
      assert.equal(req.headers['x-api-key'], undefined, `${req.method} ${req.path}`);
      assert.doesNotMatch(
        req.headers['access-control-request-headers'] ?? '',
        /authorization|x-api-key/,
      );
    }
    assert.equal(patches[0]?.headers['x-trace'], 't');
    assert.equal(await fileSha256(ours.dataPath(outcome.url!)), sha256Hex(makeBytes(size, 31)));
  });

  it('an https endpoint answering with an http: Location: TUS_ERR_UNSAFE_URL, and nothing goes there', {
    skip: tls === undefined,
  }, async () => {
    const plain = await startFront({ cors: true, answer: () => ({ status: 204 }) });
    const secure = await startFront({
      tls,
      cors: true,
      answer: (req) =>
        req.method === 'POST'
          ? {
              status: 201,
              headers: { 'Tus-Resumable': '1.0.0', Location: `${plain.origin}/files/x` },
            }
          : { status: 204, headers: { 'Tus-Resumable': '1.0.0', 'Tus-Version': '1.0.0' } },
    });
    try {
      const outcome = await run(page, {
        endpoint: `${secure.origin}/files`,
        size: 1000,
        seed: 1,
        client: { checksum: false, headers: { Authorization: 'Bearer top-secret' } },
      });
      assert.equal(outcome.error?.code, 'TUS_ERR_UNSAFE_URL', JSON.stringify(outcome));
      assert.equal(outcome.error?.reason, 'downgrade');
      assert.ok(
        secure.calls().some((r) => r.method === 'POST'),
        'the https endpoint was reached',
      );
      assert.deepEqual(plain.requests, []);
    } finally {
      await secure.close();
      await plain.close();
    }
  });

  for (const redirect of [
    { what: 'a cross-origin 307 to the creation POST', status: 307, method: 'POST', cross: true },
    { what: 'a same-origin 308 to a PATCH', status: 308, method: 'PATCH', cross: false },
  ]) {
    it(`${redirect.what}: TUS_ERR_REDIRECT, and no credential reaches the Location`, async () => {
      const other = await startFront({
        cors: true,
        answer: () => ({
          status: 204,
          headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0' },
        }),
      });
      const hostile = await startFront({
        cors: true,
        answer: (req) => {
          if (req.method === redirect.method && req.path !== '/files/moved') {
            const to = redirect.cross ? `${other.origin}/files/moved` : '/files/moved';
            return { status: redirect.status, headers: { Location: to } };
          }
          if (req.method === 'POST') {
            return { status: 201, headers: { 'Tus-Resumable': '1.0.0', Location: '/files/a' } };
          }
          return { status: 204, headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '0' } };
        },
      });
      try {
        const outcome = await run(page, {
          endpoint: `${hostile.origin}/files`,
          size: 1000,
          seed: 2,
          client: {
            checksum: false,
            maxRetries: 0,
            headers: { Authorization: 'Bearer top-secret' },
          },
        });
        assert.equal(outcome.error?.code, 'TUS_ERR_REDIRECT', JSON.stringify(outcome));
        // No credential reaches another origin. (A PATCH goes through XMLHttpRequest, which
        // the browser redirects by itself: a same-origin 308 reaches /files/moved on the
        // endpoint's own origin, the one origin the credentials belong to, and the client
        // then refuses the answer; see docs/security.md.)
        for (const req of other.requests) {
          assert.equal(req.headers.authorization, undefined, `${req.method} ${req.path}`);
        }
        if (!redirect.cross) {
          assert.ok(hostile.requests.some((r) => r.path === '/files/moved'));
        }
      } finally {
        await hostile.close();
        await other.close();
      }
    });
  }

  it('errors show no token or password; the uploadUrl of a failed upload resumes it', async () => {
    let patches = 0;
    const signing = await startFront({
      target: new URL(ours.endpoint).origin,
      cors: true,
      dropQuery: true,
      location: (location) => `${new URL(location).pathname}?sig=TOPSECRET-SIG&part=1`,
      answer: (req) =>
        req.method === 'PATCH' && ++patches === 2
          ? { status: 500, headers: { 'Tus-Resumable': '1.0.0' }, body: `cannot store ${req.path}` }
          : undefined,
    });
    try {
      const size = 300_000;
      const outcome = await run(page, {
        endpoint: `${signing.origin}/files`,
        size,
        seed: 33,
        client: { chunkSize: 100_000, maxRetries: 0 },
        resume: true,
      });
      assert.equal(outcome.error?.code, 'TUS_ERR_UPLOAD_FAILED', JSON.stringify(outcome));
      assert.ok(!outcome.error!.shown.includes('TOPSECRET'), outcome.error!.shown);
      assert.match(outcome.error!.message, /sig=\[redacted\]/);
      assert.ok(outcome.error!.uploadUrl?.includes('sig=TOPSECRET-SIG'));
      assert.equal(outcome.resumed, outcome.error!.uploadUrl);
      assert.equal(
        await fileSha256(ours.dataPath(outcome.resumed!)),
        sha256Hex(makeBytes(size, 33)),
      );

      // fetch refuses a URL with a password, and its message quotes the URL.
      const withPassword = `${ours.endpoint.replace('//', '//user:TOPSECRET-PW@')}?token=TOPSECRET-T`;
      const refused = await run(page, {
        endpoint: withPassword,
        size: 10,
        seed: 1,
        client: { maxRetries: 0 },
      });
      assert.ok(refused.error !== undefined, JSON.stringify(refused));
      assert.ok(!refused.error.shown.includes('TOPSECRET'), refused.error.shown);
    } finally {
      await signing.close();
    }
  });

  it('redactUrl is in the bundle', async () => {
    const shown = await page.evaluate(
      `window.harness.lib.redactUrl('https://u:p@h/f?X-Amz-Signature=s&a=1')`,
    );
    assert.equal(shown, 'https://h/f?X-Amz-Signature=[redacted]&a=1');
  });

  for (const close of [true, false]) {
    it(`HEAD 404 with a body${close ? ' and Connection: close' : ''}: the 404, 30 rounds of 30`, async () => {
      const raw = await startHeadBodyServer(close);
      try {
        const codes: string[] = [];
        for (let round = 0; round < 30; round++) {
          const outcome = await run(page, {
            endpoint: `${raw.origin}/files`,
            size: 0,
            seed: 1,
            client: { maxRetries: 0 },
            call: { method: 'getUploadInfo', args: [`${raw.origin}/files/expired-${round}`] },
          });
          codes.push(`${outcome.error?.code ?? 'resolved'} ${outcome.error?.status}`);
        }
        assert.deepEqual(new Set(codes), new Set(['TUS_ERR_COMMUNICATION 404']), codes.join(' '));
      } finally {
        raw.stop();
      }
    });
  }
});
