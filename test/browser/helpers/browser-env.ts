/**
 * What the Chromium tests stand on: finding the Chromium binary (`CHROME_PATH`, else
 * `/usr/bin/chromium`), the built bundle (`dist/index.browser.js`), a tiny static server
 * for the page, and a launched headless Chromium driven by playwright-core.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
export const bundlePath = join(repoRoot, 'dist', 'index.browser.js');

/**
 * Chromium's path, or `undefined` (with the places looked at) when there is none.
 * `CHROME_PATH`, when set, is the only place looked at.
 */
export function findChromium(): { path?: string; looked: string[] } {
  const chosen = process.env.CHROME_PATH;
  const candidates =
    chosen !== undefined && chosen !== ''
      ? [chosen]
      : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return { path, looked: candidates };
    } catch {}
  }
  return { looked: candidates };
}

/** Why the Chromium tests cannot run here, or `undefined` when they can. Said loudly. */
export function chromiumSkipReason(): string | undefined {
  const found = findChromium();
  if (found.path !== undefined) return undefined;
  const reason = `NO CHROMIUM: looked at ${found.looked.join(', ')}; install Debian's chromium (apt-get install chromium) or set CHROME_PATH. The browser tests are SKIPPED.`;
  console.error(`\n!!! ${reason}\n`);
  return reason;
}

/** The built browser bundle; `npm test` builds it first (`npm run build`). */
export function readBundle(): string {
  try {
    return readFileSync(bundlePath, 'utf8');
  } catch (cause) {
    throw new Error(`${bundlePath} is missing: run \`npm run build\` (or \`npx tsup\`) first`, {
      cause,
    });
  }
}

/** Headless Chromium with the flags, plus `extraArgs`. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const path = findChromium().path;
  if (path === undefined) throw new Error('no Chromium binary');
  return chromium.launch({
    executablePath: path,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
}

export interface StaticServer {
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `files` (URL path → [content type, body]) on 127.0.0.1, port 0. */
export async function startStaticServer(
  files: Record<string, [string, string | Uint8Array]>,
): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files[path];
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function fixture(name: string): string {
  return readFileSync(join(here, '..', 'fixtures', name), 'utf8');
}

/** The files of the test page: the bundle, the harness (with its bytes), and a page that loads them. */
export function harnessFiles(): Record<string, [string, string | Uint8Array]> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>harness</title><link rel="icon" href="data:,">' +
    '<script type="module" src="/harness.js"></script>' +
    '<script type="module" src="/storage.js"></script>';
  return {
    '/': ['text/html; charset=utf-8', html],
    '/index.browser.js': ['text/javascript', readBundle()],
    '/harness.js': [
      'text/javascript',
      readFileSync(join(here, '..', 'fixtures', 'harness.js'), 'utf8'),
    ],
    '/storage.js': ['text/javascript', fixture('storage.js')],
    '/worker.js': ['text/javascript', fixture('worker.js')],
    '/make-bytes.js': [
      'text/javascript',
      readFileSync(join(here, '..', 'fixtures', 'make-bytes.js'), 'utf8'),
    ],
  };
}
