/**
 * The browser section's own origin: a small HTTP server on 127.0.0.1 that serves the page
 * (bench/browser), the pages' shared module as /page-kit.js, our browser build as /ours.js
 * and tus-js-client's as /tus.js, and takes each run's result as `POST /result/<id>`.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What every page imports (bench/browser/page-kit.js), served whatever the page. */
const PAGE_KIT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'browser', 'page-kit.js');

export interface SiteFiles {
  /** Folder with index.html and page.js. */
  pageDir: string;
  /** Our browser build (dist/index.browser.js). */
  ours: string;
  /** tus-js-client's browser build (dist/tus.js). */
  tusJs: string;
}

export interface BrowserSite {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Resolves with the JSON the page posts as the result of run `id`. */
  resultOf(id: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startBrowserSite(files: SiteFiles): Promise<BrowserSite> {
  const js = 'text/javascript; charset=utf-8';
  const routes = new Map<string, [string, Buffer]>([
    ['/', ['text/html; charset=utf-8', readFileSync(join(files.pageDir, 'index.html'))]],
    ['/page.js', [js, readFileSync(join(files.pageDir, 'page.js'))]],
    ['/page-kit.js', [js, readFileSync(PAGE_KIT)]],
    ['/ours.js', [js, readFileSync(files.ours)]],
    ['/tus.js', [js, readFileSync(files.tusJs)]],
  ]);
  const waiting = new Map<string, (result: Record<string, unknown>) => void>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const result = /^\/result\/([\w-]+)$/.exec(path);
    if (req.method === 'POST' && result?.[1] !== undefined) {
      const id = result[1];
      readBody(req).then(
        (text) => {
          res.writeHead(204).end();
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { error: `the page posted no JSON: ${text.slice(0, 200)}` };
          }
          waiting.get(id)?.(parsed);
          waiting.delete(id);
        },
        () => res.destroy(),
      );
      return;
    }
    const route = routes.get(path);
    if (req.method !== 'GET' || route === undefined) {
      res.writeHead(404, { 'Content-Length': '0' }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': route[0], 'Cache-Control': 'no-store' });
    res.end(route[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    resultOf: (id) => new Promise((resolve) => waiting.set(id, resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
