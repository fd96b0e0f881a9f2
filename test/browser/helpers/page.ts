/** Driving the harness page (fixtures/harness.js) from Node. */
import type { Browser, Page } from 'playwright-core';
import {
  harnessFiles,
  launchChromium,
  type StaticServer,
  startStaticServer,
} from './browser-env.js';

/** An error as the harness describes it (`describeError`), or as Node's is described. */
export interface DescribedError {
  name: string;
  message: string;
  code?: string;
  status?: number;
  isTusError?: boolean;
  offset?: number;
  uploadUrl?: string;
  algorithm?: string;
  causeName?: string;
  causeCode?: string;
}

export interface PageStats {
  bytesUploaded: number;
  totalBytes?: number;
  startOffset: number;
  chunksCompleted: number;
  checksumAlgorithm?: string;
  uploadUrl?: string;
  protocol?: string;
}

/** What `harness.upload` returns. */
export interface UploadResult {
  /** SHA-256 (hex) of the bytes the page made (not made with `noHash`). */
  hash?: string;
  /** `bytesUploaded` of every onProgress call at a chunk's end. */
  progress: number[];
  /** The reports from within a request: bytes sent, and confirmed, at that moment. */
  inFlight: { sent: number; confirmed: number }[];
  stats?: PageStats;
  url?: string;
  resumedFrom?: string;
  /** With `memoryStorage`: the URLs stored when the upload URL was announced. */
  storedUrls?: string[];
  error?: DescribedError;
}

/** A new page on `origin` with the harness loaded; page errors are printed. */
export async function openHarness(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs each answer >= 400 and each failed request as "Failed to load resource";
    // the tests provoke those on purpose and check the statuses themselves: not printed.
    if (message.type() !== 'error' || message.text().startsWith('Failed to load resource')) return;
    console.error(`[page console] ${message.text()}`);
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction('window.harnessReady === true', undefined, { timeout: 15_000 });
  return page;
}

export interface BrowserSuite {
  browser: Browser;
  page: Page;
  site: StaticServer;
  /** The page's origin: what a tus server must list in `allowedOrigins` for it. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Chromium with the harness page open on a static server of its own origin. `host`: a
 * name that Chromium maps to 127.0.0.1 for the page (not `localhost`, so the page is not a
 * secure context). `extraArgs`: more Chromium flags.
 */
export async function startBrowserSuite(
  host?: string,
  extraArgs: readonly string[] = [],
): Promise<BrowserSuite> {
  const site = await startStaticServer(harnessFiles());
  let browser: Browser | undefined;
  try {
    const args = host === undefined ? [] : [`--host-resolver-rules=MAP ${host} 127.0.0.1`];
    browser = await launchChromium([...args, ...extraArgs]);
    const origin = host === undefined ? site.origin : `http://${host}:${new URL(site.origin).port}`;
    const page = await openHarness(browser, origin);
    const started = browser;
    return {
      browser: started,
      page,
      site,
      origin,
      async close() {
        await started.close();
        await site.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await site.close();
    throw error;
  }
}

/** `window.harness[fn](...args)` in the page, arguments and result as JSON. */
export async function evaluate<T>(page: Page, fn: string, ...args: unknown[]): Promise<T> {
  const list = args.map((a) => JSON.stringify(a)).join(', ');
  return (await page.evaluate(`window.harness.${fn}(${list})`)) as T;
}

/** A Node error described like the page describes its own. */
export function describeNodeError(error: unknown): DescribedError {
  if (!(error instanceof Error)) return { name: typeof error, message: String(error) };
  const e = error as Error & { code?: string; status?: number };
  const cause = e.cause instanceof Error ? (e.cause as Error & { code?: unknown }) : undefined;
  return {
    name: e.name,
    message: e.message,
    ...(e.code === undefined ? {} : { code: e.code }),
    ...(e.status === undefined ? {} : { status: e.status }),
    ...(cause === undefined ? {} : { causeName: cause.name }),
    ...(typeof cause?.code === 'string' ? { causeCode: cause.code } : {}),
  };
}
