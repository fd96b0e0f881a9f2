/**
 * `IndexedDbUrlStorage` in headless Chromium: the UrlStorage contract in the page against it
 * and `WebStorageUrlStorage` alike, the same `findPreviousUploads` answers, two tabs writing
 * 50 entries each at once, refusals as `TusStorageError`, and an upload with `storeUrl` from
 * a dedicated Worker (no localStorage) that resumes through IndexedDB, bytes checked on our
 * server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { chromiumSkipReason } from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import { type BrowserSuite, type DescribedError, startBrowserSuite } from './helpers/page.js';

const skip = chromiumSkipReason();

interface CaseResult {
  name: string;
  error?: DescribedError;
}

async function storageCall<T>(page: Page, fn: string, ...args: unknown[]): Promise<T> {
  await page.waitForFunction('window.storageHarness !== undefined', undefined, { timeout: 15_000 });
  const list = args.map((a) => JSON.stringify(a)).join(', ');
  return (await page.evaluate(`window.storageHarness.${fn}(${list})`)) as T;
}

describe('IndexedDbUrlStorage in Chromium', { skip, timeout: 120_000 }, () => {
  let suite: BrowserSuite;
  let ours: StartedOurServer;

  before(async () => {
    suite = await startBrowserSuite();
    ours = await startOurServer({ allowedOrigins: [suite.origin] });
  });

  after(async () => {
    await suite?.close();
    await ours?.close();
  });

  for (const kind of ['web', 'indexeddb'] as const) {
    it(`the UrlStorage contract holds for the ${kind} storage in the page`, async () => {
      const results = await storageCall<CaseResult[]>(suite.page, 'runContract', kind);
      assert.equal(results.length, 7);
      const failed = results.filter((r) => r.error !== undefined);
      assert.deepEqual(failed, [], JSON.stringify(failed));
    });
  }

  it('findPreviousUploads answers the same through either storage', async () => {
    const web = await storageCall<unknown[]>(
      suite.page,
      'previousThrough',
      'web',
      ours.endpoint,
      300_000,
      100_000,
    );
    const idb = await storageCall<unknown[]>(
      suite.page,
      'previousThrough',
      'indexeddb',
      ours.endpoint,
      300_000,
      100_000,
    );
    assert.equal(web.length, 1, JSON.stringify(web));
    assert.deepEqual(idb, web);
    assert.deepEqual(web[0], {
      fingerprint: (web[0] as { fingerprint: string }).fingerprint,
      size: 300_000,
      metadata: { filename: 'p.bin' },
      endpoint: ours.endpoint,
      urlMatches: true,
      createdAtIsDate: true,
    });
  });

  it('two tabs storing 50 uploads each at once leave 100 entries', async () => {
    // Two pages of one browser context: one origin's storage, shared as by two tabs.
    const context = await suite.browser.newContext();
    try {
      const [one, two] = await Promise.all([context.newPage(), context.newPage()]);
      await Promise.all([one.goto(`${suite.origin}/`), two.goto(`${suite.origin}/`)]);
      const name = `tabs-${Date.now()}`;
      await Promise.all([
        storageCall(one, 'fill', name, 'a', 50),
        storageCall(two, 'fill', name, 'b', 50),
      ]);
      const stored = await storageCall<string[]>(one, 'listed', name);
      assert.equal(stored.length, 100);
      assert.equal(new Set(stored).size, 100);
    } finally {
      await context.close();
    }
  });

  it('a refused open is a TusStorageError, and an upload with storeUrl fails with it', async () => {
    const out = await storageCall<{
      set: DescribedError | string;
      upload: DescribedError | string;
    }>(suite.page, 'refusedOpen', ours.endpoint);
    assert.equal(typeof out.set, 'object', JSON.stringify(out));
    const set = out.set as DescribedError;
    assert.equal(set.name, 'TusStorageError');
    assert.equal(set.code, 'TUS_ERR_STORAGE');
    assert.match(set.message, /open IndexedDB.*denied permission/);
    assert.equal(
      (out.upload as DescribedError).code,
      'TUS_ERR_STORAGE',
      JSON.stringify(out.upload),
    );
  });

  it('a quota refusal of a write is a TusStorageError naming it', async () => {
    const out = await storageCall<{ set: DescribedError | string }>(suite.page, 'quotaRefused');
    const set = out.set as DescribedError;
    assert.equal(set.code, 'TUS_ERR_STORAGE', JSON.stringify(out));
    assert.match(set.message, /QuotaExceededError/);
  });

  it('storeUrl in a dedicated Worker keeps the URL in IndexedDB and resumes from it', async () => {
    const size = 1_000_003;
    const out = await storageCall<{
      hasLocalStorage: boolean;
      firstError?: DescribedError;
      stored: string[];
      previous: string[];
      url: string;
      startOffset: number;
      storedAfter: number;
      error?: DescribedError;
    }>(suite.page, 'inWorker', {
      endpoint: ours.endpoint,
      size,
      seed: 71,
      chunkSize: 200_000,
      abortAt: 400_000,
    });
    assert.equal(out.error, undefined, JSON.stringify(out));
    assert.equal(out.hasLocalStorage, false);
    assert.equal(out.firstError?.name, 'TusAbortError', JSON.stringify(out.firstError));
    assert.equal(out.stored.length, 1);
    assert.deepEqual(out.previous, out.stored);
    assert.equal(out.url, out.stored[0]);
    assert.ok(out.startOffset >= 400_000, `resumed from ${out.startOffset}`);
    assert.equal(out.storedAfter, 0, 'removed once finished');
    assert.equal(await fileSha256(ours.dataPath(out.url)), sha256Hex(makeBytes(size, 71)));
  });
});
