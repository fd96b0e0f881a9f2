/**
 * Serves the browser example: the page on http://127.0.0.1:8080/examples/browser/ and our tus
 * server on 127.0.0.1:1080 (another origin, as in real life), which lets that page's origin
 * in (CORS `allowedOrigins`; no other page may upload). Build first.
 *
 *   npm run build && node --import tsx examples/browser/serve.ts [pagePort] [tusPort]
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SERVED = ['examples/browser/', 'dist/'];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** A static server for the page and the built bundle (nothing else of the repository). */
export async function startExampleSite(port = 0): Promise<{ origin: string; server: Server }> {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    if (path === '' || path === 'examples/browser') path = 'examples/browser/index.html';
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(path);
    if (file.startsWith('..') || !SERVED.some((prefix) => file.startsWith(prefix))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const body = await readFile(join(ROOT, file));
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${file} (run npm run build?)`);
    }
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
  const address = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${address.port}`, server };
}

/** One line for a port that cannot be listened on (taken, or not ours to take); else undefined. */
export function portProblem(error: unknown, what: string, port: number): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return `examples/browser: port ${port} (${what}) is in use; give free ports: node --import tsx examples/browser/serve.ts [pagePort] [tusPort] (0 picks one)`;
  }
  if (code === 'EACCES') {
    return `examples/browser: port ${port} (${what}) is not allowed here; give ports above 1023: node --import tsx examples/browser/serve.ts [pagePort] [tusPort]`;
  }
  return undefined;
}

async function main(): Promise<void> {
  const pagePort = Number(process.argv[2] ?? 8080);
  const tusPort = Number(process.argv[3] ?? 1080);
  const { createTusServer } = await import('../../src/server/index.js');
  let site: Awaited<ReturnType<typeof startExampleSite>>;
  try {
    site = await startExampleSite(pagePort);
  } catch (error) {
    const line = portProblem(error, 'the page', pagePort);
    if (line === undefined) throw error;
    console.error(line);
    process.exitCode = 1;
    return;
  }
  const tus = createTusServer({
    directory: join(ROOT, 'uploads'),
    path: '/files',
    allowedOrigins: [site.origin],
  });
  let endpoint: string;
  try {
    endpoint = await tus.listen(tusPort, '127.0.0.1');
  } catch (error) {
    site.server.close();
    await tus.close();
    const line = portProblem(error, 'the tus server', tusPort);
    if (line === undefined) throw error;
    console.error(line);
    process.exitCode = 1;
    return;
  }
  console.log(`tus server: ${endpoint} (files in uploads/)`);
  console.log(`open ${site.origin}/examples/browser/?endpoint=${encodeURIComponent(endpoint)}`);
  process.once('SIGINT', () => {
    site.server.close();
    void tus.close();
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
