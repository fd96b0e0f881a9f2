/**
 * Issue 18.3: cookie-authenticated uploads from a page on another origin, in headless
 * Chromium. Our server (CORS `allowCredentials`, the page's origin named) sits behind a
 * gate that wants a session cookie, which the page gets from a login answer. With
 * `credentials: 'include'` the cookie rides on fetch (POST, HEAD) and XHR (PATCH) requests
 * and the bytes arrive; without it the gate answers 401. The same through the real Uppy
 * (`withCredentials: true`, which it sets on the request in `onBeforeRequest`) on the
 * tus-js-client face.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type StartedServer, startServer } from '../network/helpers/servers.js';
import { chromiumSkipReason, type StaticServer, startStaticServer } from './helpers/browser-env.js';
import { makeBytes, sha256Hex } from './helpers/bytes.js';
import {
  type BrowserSuite,
  evaluate,
  startBrowserSuite,
  type UploadResult,
} from './helpers/page.js';
import { uppyPageFiles } from './helpers/uppy-page.js';

const skip = chromiumSkipReason();
const SESSION = 'session=let-me-in';

describe('cookie-authenticated uploads from another origin (Chromium)', {
  skip,
  timeout: 180_000,
}, () => {
  let suite: BrowserSuite;
  let uppySite: StaticServer;
  let uppyPage: Page;
  let server: StartedServer;
  let origins: string[] = [];

  /** The gate in front of the tus server: /login sets the cookie; the rest needs it. */
  function gate(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      origin !== undefined && origins.includes(origin)
        ? {
            'Access-Control-Allow-Origin': origin,
            'Access-Control-Allow-Credentials': 'true',
            Vary: 'Origin',
          }
        : {};
    if (req.url === '/login') {
      res
        .writeHead(204, { ...cors, 'Set-Cookie': `${SESSION}; Path=/; HttpOnly; SameSite=Lax` })
        .end();
      return true;
    }
    // Preflights carry no cookies (the browser's rule); the tus server answers them.
    if (req.method === 'OPTIONS') return false;
    if ((req.headers.cookie ?? '').split(/;\s*/).includes(SESSION)) return false;
    res.writeHead(401, { ...cors, 'Content-Type': 'text/plain' }).end('log in first');
    return true;
  }

  const login = (page: Page) =>
    page.evaluate(
      async (url) => (await fetch(url, { method: 'POST', credentials: 'include' })).status,
      `${new URL(server.endpoint).origin}/login`,
    );

  /** Requests that reached the server since `from`, as `METHOD cookie?`, preflights left out. */
  const trail = (from: number) =>
    server.seen
      .slice(from)
      .filter((r) => r.headers['access-control-request-method'] === undefined && r.url !== '/login')
      .map((r) => `${r.method} ${r.headers.cookie?.includes(SESSION) ? 'cookie' : 'none'}`);

  before(async () => {
    suite = await startBrowserSuite();
    uppySite = await startStaticServer(await uppyPageFiles());
    origins = [suite.site.origin, uppySite.origin];
    server = await startServer({
      intercept: gate,
      tus: { allowedOrigins: origins, allowCredentials: true },
    });
    uppyPage = await suite.browser.newPage();
    await uppyPage.goto(`${uppySite.origin}/`);
    await uppyPage.waitForFunction('window.uppyReady === true', undefined, { timeout: 15_000 });
    assert.equal(await login(suite.page), 204);
    assert.equal(await login(uppyPage), 204);
  });

  after(async () => {
    await suite?.close();
    await uppySite?.close();
    await server?.close();
  });

  const upload = (client: Record<string, unknown>) =>
    evaluate<UploadResult>(suite.page, 'upload', {
      endpoint: server.endpoint,
      size: 300 * 1024 + 7,
      seed: 4,
      kind: 'blob',
      client: { chunkSize: 128 * 1024, ...client },
    });

  it("credentials: 'include': the cookie on every request, fetch and XHR alike; bytes intact", async () => {
    const from = server.seen.length;
    const result = await upload({ credentials: 'include' });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(await server.storedHash(result.url!), sha256Hex(makeBytes(300 * 1024 + 7, 4)));
    const requests = trail(from);
    assert.ok(requests.includes('POST cookie'), requests.join()); // fetch (no body)
    assert.equal(requests.filter((r) => r === 'PATCH cookie').length, 3, requests.join()); // XHR
    assert.ok(
      requests.every((r) => r.endsWith(' cookie')),
      requests.join(),
    );
  });

  it('without it (the default) the cookie stays home: 401, nothing uploaded', async () => {
    const from = server.seen.length;
    const result = await upload({ maxRetries: 0 });
    assert.equal(result.error?.status, 401, JSON.stringify(result.error));
    assert.ok(
      trail(from).length > 0 && trail(from).every((r) => r.endsWith(' none')),
      trail(from).join(),
    );
  });

  const uppyCall = async <T>(fn: string, ...args: unknown[]): Promise<T> =>
    (await uppyPage.evaluate(
      `window.uppyHarness.${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`,
    )) as T;
  type Outcome = {
    successful: { name: string; uploadURL?: string }[];
    failed: { name: string; error: string }[];
  };

  it('Uppy with withCredentials: true on the tus-js-client face: cookies sent, bytes intact', async () => {
    const from = server.seen.length;
    await uppyCall('setup', {
      endpoint: server.endpoint,
      chunkSize: 128 * 1024,
      withCredentials: true,
      retryDelays: [],
    });
    await uppyCall('addFile', 'cookie.bin', 200 * 1024 + 1, 6);
    const outcome = await uppyCall<Outcome>('upload');
    assert.deepEqual(outcome.failed, []);
    const url = outcome.successful[0]?.uploadURL;
    assert.ok(url !== undefined);
    assert.equal(await server.storedHash(url), sha256Hex(makeBytes(200 * 1024 + 1, 6)));
    const requests = trail(from);
    assert.ok(
      requests.includes('PATCH cookie') && requests.every((r) => r.endsWith(' cookie')),
      requests.join(),
    );
  });

  it('Uppy without withCredentials: refused by the gate', async () => {
    await uppyCall('setup', { endpoint: server.endpoint, retryDelays: [] });
    await uppyCall('addFile', 'no-cookie.bin', 1000, 8);
    const outcome = await uppyCall<Outcome>('upload');
    assert.equal(outcome.successful.length, 0);
    assert.match(outcome.failed[0]?.error ?? '', /401/);
  });
});
