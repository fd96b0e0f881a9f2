/**
 * The pages the browser tests and the example open load without a failed request: no
 * `GET /favicon.ico` 404, which Chromium printed as a `[page console] Failed to load
 * resource` line in the test log for every page opened (issue 31, a clean test log); and
 * the harness prints a page's own console errors but not Chromium's "Failed to load
 * resource" line for each status a test provokes on purpose.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startExampleSite } from '../../examples/browser/serve.js';
import {
  chromiumSkipReason,
  harnessFiles,
  launchChromium,
  startStaticServer,
} from './helpers/browser-env.js';
import { openHarness } from './helpers/page.js';
import { uppyPageFiles } from './helpers/uppy-page.js';

const skip = chromiumSkipReason();

describe('pages load without a failed request (no favicon 404)', { skip, timeout: 60_000 }, () => {
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** Every request of `url` that failed or was answered >= 400, once the network is idle. */
  async function failedRequests(url: string): Promise<string[]> {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => failed.push(`failed ${request.url()}`));
    page.on('console', (message) => {
      if (message.type() === 'error') failed.push(`console: ${message.text()}`);
    });
    try {
      await page.goto(url, { waitUntil: 'networkidle' });
    } finally {
      await page.close();
    }
    return failed;
  }

  it("openHarness prints the page's console errors, not Chromium's failed-resource lines", async () => {
    const site = await startStaticServer(harnessFiles());
    const printed: string[] = [];
    const print = console.error;
    console.error = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
    try {
      const page = await openHarness(browser, site.origin);
      const seen = new Promise<void>((resolve) => {
        page.on('console', (message) => {
          if (message.text() === 'marker') resolve();
        });
      });
      await page.evaluate(`fetch('${site.origin}/missing').then(() => console.error('marker'))`);
      await seen;
      await page.close();
    } finally {
      console.error = print;
      await site.close();
    }
    assert.deepEqual(printed, ['[page console] marker']);
  });

  it('the harness page', async () => {
    const site = await startStaticServer(harnessFiles());
    try {
      assert.deepEqual(await failedRequests(`${site.origin}/`), []);
    } finally {
      await site.close();
    }
  });

  it('the Uppy page', async () => {
    const site = await startStaticServer(await uppyPageFiles());
    try {
      assert.deepEqual(await failedRequests(`${site.origin}/`), []);
    } finally {
      await site.close();
    }
  });

  it('the example page (examples/browser/)', async () => {
    const site = await startExampleSite(0);
    try {
      assert.deepEqual(await failedRequests(`${site.origin}/examples/browser/`), []);
    } finally {
      site.server.closeAllConnections();
      await new Promise<void>((done) => site.server.close(() => done()));
    }
  });
});
