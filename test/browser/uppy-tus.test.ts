/**
 * The real Uppy (@uppy/core and @uppy/tus from npm) on our engine: the page is bundled by
 * esbuild with `tus-js-client` aliased to the built `resumable-upload/tus-js-client`
 * (dist/tus-js-client.browser.js), as docs/tus-js-client.md tells users to, and runs in
 * headless Chromium against our server on another origin. Two files, a pause and resume,
 * a page reload resumed from localStorage; bytes checked on the server, checksums on the wire.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import {
  chromiumSkipReason,
  launchChromium,
  type StaticServer,
  startStaticServer,
} from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import { uppyPageFiles } from './helpers/uppy-page.js';

const KiB = 1024;
const CHUNK = 256 * KiB;
const skip = chromiumSkipReason();

interface Outcome {
  successful: { name: string; uploadURL?: string; status?: number }[];
  failed: { name: string; error: string }[];
}

interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

describe('Uppy (@uppy/core + @uppy/tus) on resumable-upload/tus-js-client', {
  skip,
  timeout: 180_000,
}, () => {
  let site: StaticServer;
  let ours: StartedOurServer;
  let browser: Browser;
  let page: Page;
  const seen: SeenRequest[] = [];

  before(async () => {
    site = await startStaticServer(await uppyPageFiles());
    ours = await startOurServer({ allowedOrigins: [site.origin] });
    ours.server.httpServer?.on('request', (req: IncomingMessage) => {
      seen.push({
        method: req.method ?? '',
        path: new URL(req.url ?? '/', 'http://x').pathname,
        headers: req.headers,
      });
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await openPage();
  });

  after(async () => {
    await browser?.close();
    await ours?.close();
    await site?.close();
  });

  async function openPage(reload = false): Promise<void> {
    if (reload) await page.reload();
    else await page.goto(`${site.origin}/`);
    await page.waitForFunction('window.uppyReady === true', undefined, { timeout: 15_000 });
    const tus = { endpoint: ours.endpoint, chunkSize: CHUNK, retryDelays: [0, 200, 1000] };
    await call('setup', tus);
  }

  async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
    const list = args.map((a) => JSON.stringify(a)).join(', ');
    return (await page.evaluate(`window.uppyHarness.${fn}(${list})`)) as T;
  }

  const pathOf = (url: string) => new URL(url).pathname;
  /** Requests to `url` since `from`, CORS preflights left out. */
  const requestsTo = (url: string, from = 0) =>
    seen
      .slice(from)
      .filter(
        (r) => r.path === pathOf(url) && r.headers['access-control-request-method'] === undefined,
      );

  async function assertStored(url: string | undefined, size: number, seed: number) {
    assert.ok(url !== undefined, 'no upload URL');
    assert.equal(await fileSha256(ours.dataPath(url)), sha256Hex(makeBytes(size, seed)));
  }

  it('uploads two files from another origin, a checksum on every PATCH', async () => {
    const files = [
      { name: 'one.bin', size: 300 * KiB + 1, seed: 1 },
      { name: 'two.bin', size: 700 * KiB + 3, seed: 2 },
    ];
    for (const f of files) await call('addFile', f.name, f.size, f.seed);
    const outcome = await call<Outcome>('upload');
    assert.deepEqual(outcome.failed, []);
    assert.equal(outcome.successful.length, 2);
    for (const f of files) {
      const done = outcome.successful.find((s) => s.name === f.name);
      await assertStored(done?.uploadURL, f.size, f.seed);
      const patches = requestsTo(done!.uploadURL!).filter((r) => r.method === 'PATCH');
      assert.equal(patches.length, Math.ceil(f.size / CHUNK));
      for (const patch of patches) {
        assert.match(String(patch.headers['upload-checksum']), /^sha1 [A-Za-z0-9+/]+=*$/);
        assert.equal(patch.headers.origin, site.origin);
      }
      const last = (await call<number[]>('progressOf', f.name)).at(-1);
      assert.equal(last, f.size);
    }
  });

  it('pauses one file and resumes it: the same upload, continued from the server offset', async () => {
    await call('setup', { endpoint: ours.endpoint, chunkSize: CHUNK, retryDelays: [0, 200] });
    const size = 1536 * KiB + 5;
    await call('addFile', 'pause.bin', size, 3);
    await call('addFile', 'alongside.bin', 200 * KiB, 4);
    const { pausedAt } = await call<{ pausedAt: number }>('uploadAndPause', 'pause.bin', 2 * CHUNK);
    assert.ok(pausedAt >= 2 * CHUNK && pausedAt < size, `paused at ${pausedAt}`);
    const mark = seen.length;
    const outcome = await call<Outcome>('resumeAndFinish', 'pause.bin');
    assert.deepEqual(outcome.failed, []);
    const done = outcome.successful.find((s) => s.name === 'pause.bin');
    await assertStored(done?.uploadURL, size, 3);
    await assertStored(
      outcome.successful.find((s) => s.name === 'alongside.bin')?.uploadURL,
      200 * KiB,
      4,
    );
    const after = requestsTo(done!.uploadURL!, mark);
    assert.equal(after[0]?.method, 'HEAD', 'a resume asks the server first');
    // Paused once 2 chunks were sent: the first was accepted before the second went out.
    const firstPatch = after.find((r) => r.method === 'PATCH');
    assert.ok(Number(firstPatch?.headers['upload-offset']) >= CHUNK, 'continued, not restarted');
    const created = seen.filter(
      (r) => r.method === 'POST' && r.headers['upload-length'] === String(size),
    );
    assert.equal(created.length, 1, 'one upload was created for the paused file');
  });

  it('resumes after a page reload from what localStorage kept (tus-js-client keys)', async () => {
    await call('setup', { endpoint: ours.endpoint, chunkSize: CHUNK, retryDelays: [0, 200] });
    const size = 1280 * KiB + 9;
    await call('addFile', 'reload.bin', size, 5);
    const { pausedAt } = await call<{ pausedAt: number }>(
      'uploadAndPause',
      'reload.bin',
      2 * CHUNK,
    );
    const stored = await call<{ key: string; uploadUrl: string; size: number }[]>('storedUploads');
    const entry = stored.find((e) => e.size === size);
    assert.ok(entry !== undefined, JSON.stringify(stored));
    assert.match(entry.key, /^tus::tus-.*reload.*::\d+$/);
    await openPage(true);
    const mark = seen.length;
    await call('addFile', 'reload.bin', size, 5);
    const outcome = await call<Outcome>('upload');
    assert.deepEqual(outcome.failed, []);
    const done = outcome.successful.find((s) => s.name === 'reload.bin');
    assert.equal(done?.uploadURL, entry.uploadUrl, 'the stored upload was resumed');
    await assertStored(done?.uploadURL, size, 5);
    const afterReload = seen.slice(mark);
    assert.ok(!afterReload.some((r) => r.method === 'POST'), 'no new upload was created');
    const firstPatch = afterReload.find((r) => r.method === 'PATCH');
    assert.ok(pausedAt >= 2 * CHUNK);
    assert.ok(Number(firstPatch?.headers['upload-offset']) >= CHUNK, 'continued, not restarted');
    assert.match(String(firstPatch?.headers['upload-checksum']), /^sha1 /);
  });
});
