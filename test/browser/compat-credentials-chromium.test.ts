/**
 * Issue 25.4 in Chromium, through the real Uppy (@uppy/core + @uppy/tus) on the built
 * tus-js-client face: an `Authorization` header given to the Tus plugin goes to the
 * endpoint's origin only. The endpoint (front A) answers creation with a Location on
 * another origin (front B); pausing and resuming (HEAD, PATCH) and removing the file (Uppy
 * calls `abort(true)`: a DELETE) send B nothing of it. Both fronts allow CORS; our server
 * stores the bytes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { type Front, onOrigin, startFront } from '../security/helpers/front.js';
import {
  chromiumSkipReason,
  launchChromium,
  type StaticServer,
  startStaticServer,
} from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import { uppyPageFiles } from './helpers/uppy-page.js';

const KiB = 1024;
const CHUNK = 64 * KiB;
const SECRET = 'Bearer uppy-secret-token';
const skip = chromiumSkipReason();

interface Outcome {
  successful: { name: string; uploadURL?: string }[];
  failed: { name: string; error: string }[];
}

describe('Uppy on the face in Chromium: credentials stay on the endpoint (issue 25.4)', {
  skip,
  timeout: 180_000,
}, () => {
  let site: StaticServer;
  let server: StartedOurServer;
  let a: Front;
  let b: Front;
  let browser: Browser;
  let page: Page;

  before(async () => {
    site = await startStaticServer(await uppyPageFiles());
    server = await startOurServer();
    const target = new URL(server.endpoint).origin;
    b = await startFront({ target, cors: true });
    a = await startFront({
      target,
      cors: true,
      location: (location) => onOrigin(location, b.origin),
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction('window.uppyReady === true', undefined, { timeout: 15_000 });
  });
  after(async () => {
    await browser?.close();
    await a?.close();
    await b?.close();
    await server?.close();
    await site?.close();
  });

  async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
    const list = args.map((arg) => JSON.stringify(arg)).join(', ');
    return (await page.evaluate(`window.uppyHarness.${fn}(${list})`)) as T;
  }

  const setup = () =>
    call('setup', {
      endpoint: `${a.origin}/files`,
      headers: { Authorization: SECRET },
      chunkSize: CHUNK,
      retryDelays: [],
    });
  /** B's requests (preflights left out) that carried the header, as `METHOD path`. */
  const leaks = () =>
    b
      .calls()
      .filter((r) => r.headers.authorization !== undefined)
      .map((r) => `${r.method} ${r.path}`);
  const methodsOnB = () => b.calls().map((r) => r.method);

  it('pause and resume: HEAD and PATCHes on the other origin without it; bytes intact', async () => {
    await setup();
    const size = 400 * KiB + 3;
    await call('addFile', 'pause.bin', size, 11);
    await call('uploadAndPause', 'pause.bin', 2 * CHUNK);
    const outcome = await call<Outcome>('resumeAndFinish', 'pause.bin');
    assert.deepEqual(outcome.failed, []);
    const url = outcome.successful[0]?.uploadURL;
    assert.ok(url?.startsWith(b.origin), url);
    assert.equal(await fileSha256(server.dataPath(url!)), sha256Hex(makeBytes(size, 11)));
    assert.ok(methodsOnB().includes('HEAD') && methodsOnB().includes('PATCH'), methodsOnB().join());
    assert.deepEqual(leaks(), []);
    const post = a.calls().find((r) => r.method === 'POST');
    assert.equal(post?.headers.authorization, SECRET, 'the endpoint has it');
  });

  it('removing a paused file: its DELETE on the other origin goes without it', async () => {
    await setup();
    b.requests.length = 0;
    await call('addFile', 'removed.bin', 400 * KiB, 12);
    await call('uploadAndPause', 'removed.bin', CHUNK);
    const url = b.calls().find((r) => r.method === 'PATCH')?.path;
    assert.ok(url !== undefined, methodsOnB().join());
    await call('removeFile', 'removed.bin');
    // Uppy does not wait for abort(true); the DELETE is looked for a bounded number of times.
    for (let i = 0; i < 100 && !methodsOnB().includes('DELETE'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(methodsOnB().includes('DELETE'), methodsOnB().join());
    assert.deepEqual(leaks(), []);
    const id = url.split('/').pop()!;
    for (let i = 0; i < 100 && (await server.server.getUpload(id)) !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(await server.server.getUpload(id), undefined, 'deleted on the server');
  });
});
