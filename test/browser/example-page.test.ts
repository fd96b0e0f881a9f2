/**
 * The example page (examples/browser/) driven in headless Chromium: a file set on the
 * input is uploaded to our server (another origin); pause, reload, pick the same file, and
 * it finishes the same upload. Screenshots of the finished state go to test/artifacts/.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Route } from 'playwright-core';
import { startExampleSite } from '../../examples/browser/serve.js';
import { TusClient as NodeTusClient } from '../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { chromiumSkipReason, launchChromium, readBundle, repoRoot } from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';

const MiB = 1024 * 1024;
const skip = chromiumSkipReason();
const artifacts = join(repoRoot, 'test', 'artifacts');

describe('the example page in Chromium', { skip, timeout: 180_000 }, () => {
  let browser: Browser;
  let site: { origin: string; server: Server };
  let ours: StartedOurServer;
  let files: string;
  let pageUrl: string;

  before(async () => {
    readBundle(); // fails clearly when dist/ is not built
    files = await mkdtemp(join(tmpdir(), 'example-page-'));
    await mkdir(artifacts, { recursive: true });
    site = await startExampleSite(0);
    ours = await startOurServer({ allowedOrigins: [site.origin] });
    pageUrl = `${site.origin}/examples/browser/?endpoint=${encodeURIComponent(ours.endpoint)}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    site?.server.closeAllConnections();
    await new Promise<void>((done) => (site ? site.server.close(() => done()) : done()));
    await ours?.close();
    await rm(files, { recursive: true, force: true });
  });

  async function open(page: Page): Promise<void> {
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(pageUrl);
    await page.waitForFunction('window.exampleReady === true', undefined, { timeout: 15_000 });
  }

  async function makeFile(name: string, size: number, seed: number): Promise<string> {
    const path = join(files, name);
    await writeFile(path, makeBytes(size, seed));
    const when = new Date('2025-06-01T12:00:00Z');
    await utimes(path, when, when);
    return path;
  }

  it('a file set on the input is uploaded; the row says done', async () => {
    const size = 3 * MiB + 1;
    const path = await makeFile('picked.bin', size, 51);
    const page = await browser.newPage({ viewport: { width: 900, height: 520 } });
    try {
      await open(page);
      await page.setInputFiles('#files', path);
      const row = page.locator('.upload[data-state="done"]');
      await row.waitFor({ timeout: 60_000 });
      assert.equal(await row.locator('.name').textContent(), 'picked.bin');
      assert.equal(
        await row.locator('progress').evaluate((p) => (p as HTMLProgressElement).value),
        size,
      );
      const url = await row.getAttribute('data-upload-url');
      assert.ok(url?.startsWith(`${ours.endpoint}/`), `upload URL ${url}`);
      assert.equal(await fileSha256(ours.dataPath(url!)), sha256Hex(makeBytes(size, 51)));
      await page.screenshot({ path: join(artifacts, 'browser-example-done.png') });
    } finally {
      await page.close();
    }
  });

  it('pause, reload, pick the same file: the same upload finishes', async () => {
    const size = 6 * MiB;
    const path = await makeFile('paused.bin', size, 52);
    const page = await browser.newPage({ viewport: { width: 900, height: 620 } });
    try {
      // Hold every PATCH after the second, so the upload is surely in flight when paused.
      let patches = 0;
      const held: Route[] = [];
      await page.route(`${ours.endpoint}/**`, async (route) => {
        if (route.request().method() !== 'PATCH' || ++patches <= 2) {
          await route.continue();
          return;
        }
        held.push(route);
      });
      await open(page);
      await page.setInputFiles('#files', path);
      const row = page.locator('.upload').first();
      await page.waitForFunction(`document.querySelector('progress')?.value === ${2 * MiB}`);
      await page.screenshot({ path: join(artifacts, 'browser-example-uploading.png') });
      await row.locator('button.pause').click();
      await page.locator('.upload[data-state="paused"]').waitFor({ timeout: 15_000 });
      const url = await row.getAttribute('data-upload-url');
      assert.ok(url !== null);
      for (const route of held) await route.abort().catch(() => {});
      await page.unrouteAll({ behavior: 'ignoreErrors' });

      await page.reload();
      await page.waitForFunction('window.exampleReady === true', undefined, { timeout: 15_000 });
      const stored = page.locator('#stored .stored-entry');
      await stored.first().waitFor({ timeout: 15_000 });
      assert.match((await stored.first().textContent()) ?? '', /paused\.bin/);

      await page.setInputFiles('#files', path);
      const done = page.locator('.upload[data-state="done"]');
      await done.waitFor({ timeout: 60_000 });
      assert.equal(await done.getAttribute('data-upload-url'), url, 'the same upload continued');
      assert.match((await done.locator('.status').textContent()) ?? '', /resumed at 2\.0 MiB/);
      assert.equal(await fileSha256(ours.dataPath(url)), sha256Hex(makeBytes(size, 52)));
      await page.locator('#stored-section[hidden]').waitFor({ state: 'attached', timeout: 15_000 });
      await page.screenshot({ path: join(artifacts, 'browser-example-resumed.png') });
    } finally {
      await page.close();
    }
  });

  it('cancel: the upload is deleted on the server and forgotten by the page', async () => {
    const path = await makeFile('cancelled.bin', 4 * MiB, 53);
    const page = await browser.newPage();
    try {
      let patches = 0;
      const held: Route[] = [];
      await page.route(`${ours.endpoint}/**`, async (route) => {
        if (route.request().method() !== 'PATCH' || ++patches <= 1) {
          await route.continue();
          return;
        }
        held.push(route);
      });
      await open(page);
      await page.setInputFiles('#files', path);
      await page.waitForFunction(`document.querySelector('progress')?.value === ${MiB}`);
      const row = page.locator('.upload').first();
      const url = await row.getAttribute('data-upload-url');
      assert.ok(url !== null);
      await row.locator('button.cancel').click();
      await page.locator('.upload[data-state="cancelled"]').waitFor({ timeout: 15_000 });
      await page
        .locator('.upload[data-deleted="true"]')
        .waitFor({ timeout: 15_000 })
        .catch(async (error: unknown) => {
          throw new Error(`not deleted: ${await row.locator('.status').textContent()}`, {
            cause: error,
          });
        });
      for (const route of held) await route.abort().catch(() => {});
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await page.waitForFunction(
        `!Object.values(localStorage).some((v) => v.includes(${JSON.stringify(url)}))`,
        undefined,
        { timeout: 15_000 },
      );
      const client = new NodeTusClient(ours.endpoint);
      try {
        await assert.rejects(client.getUploadInfo(url), (e: unknown) => {
          const status = (e as { status?: number }).status;
          return status === 404 || status === 410;
        });
      } finally {
        await client.close();
      }
    } finally {
      await page.close();
    }
  });
});
