/**
 * The servers of the network tests, all on 127.0.0.1 port 0, stopped by `close()`:
 * - our tus server over http or https (a certificate from `pki.ts`, a client certificate
 *   required when asked), recording what reached it;
 * - a real HTTP proxy (the `proxy` package: `CONNECT` tunnels and absolute-form requests),
 *   asking for a user and password when given them, recording what it was asked.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy } from 'proxy';
import { createTusServer, type TusServerOptions } from '../../../src/server/index.js';
import type { Pki } from './pki.js';

/** A request as it reached a server. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface StartedServer {
  endpoint: string;
  /** Every request that reached the server, in order. */
  seen: SeenRequest[];
  /** SHA-256 (hex) of the bytes stored for `uploadUrl`. */
  storedHash(uploadUrl: string): Promise<string>;
  close(): Promise<void>;
}

export interface ServerChoice {
  /** https with this PKI's server certificate; http without. */
  pki?: Pki | undefined;
  /** Ask for a client certificate signed by the PKI's CA, and refuse the handshake without. */
  requireClientCert?: boolean | undefined;
  /** Runs first; `true` when it answered the request itself. */
  intercept?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  tus?: Omit<TusServerOptions, 'directory'> | undefined;
}

export async function startServer(choice: ServerChoice = {}): Promise<StartedServer> {
  const directory = await mkdtemp(join(tmpdir(), 'network-tus-'));
  const tus = createTusServer({ directory, path: '/files', ...choice.tus });
  await tus.ready();
  const seen: SeenRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (choice.intercept?.(req, res) === true) return;
    tus.handle(req, res);
  };
  const pki = choice.pki;
  const server: Server =
    pki === undefined
      ? createServer(listener)
      : createHttpsServer(
          {
            ...pki.server,
            ...(choice.requireClientCert === true
              ? { ca: pki.ca, requestCert: true, rejectUnauthorized: true }
              : {}),
          },
          listener,
        );
  // A refused handshake is the test's subject, not a failure of the server.
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  const endpoint = `${pki === undefined ? 'http' : 'https'}://127.0.0.1:${port}/files`;
  return {
    endpoint,
    seen,
    async storedHash(uploadUrl) {
      const id = new URL(uploadUrl).pathname.split('/').pop() ?? '';
      return createHash('sha256')
        .update(await readFile(tus.dataPath(id)))
        .digest('hex');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tus.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface StartedProxy {
  /** `http://127.0.0.1:port` (no credentials). */
  url: string;
  /** The URL with the user and password, when the proxy wants them. */
  urlWithCredentials: string;
  /** Every `CONNECT` asked: its target and its `Proxy-Authorization`. */
  tunnels: { target: string; proxyAuthorization: string | undefined }[];
  /** Every absolute-form request: its target URL and its `Proxy-Authorization`. */
  forwarded: { method: string; target: string; proxyAuthorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startProxy(
  credentials?: { user: string; password: string } | undefined,
  /** Speak TLS to the client (an `https:` proxy) with this PKI's server certificate. */
  tls?: Pki | undefined,
): Promise<StartedProxy> {
  const tunnels: StartedProxy['tunnels'] = [];
  const forwarded: StartedProxy['forwarded'] = [];
  const server: Server = tls === undefined ? createServer() : createHttpsServer(tls.server);
  // Recorded before the proxy's own listeners handle them.
  server.on('connect', (req: IncomingMessage) => {
    tunnels.push({ target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
  });
  server.on('request', (req: IncomingMessage) => {
    forwarded.push({
      method: req.method ?? '',
      target: req.url ?? '',
      proxyAuthorization: req.headers['proxy-authorization'],
    });
  });
  const proxy = createProxy(server);
  if (credentials !== undefined) {
    const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
    proxy.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  const port = await listen(server);
  const scheme = tls === undefined ? 'http' : 'https';
  const url = `${scheme}://127.0.0.1:${port}`;
  return {
    url,
    urlWithCredentials:
      credentials === undefined
        ? url
        : `${scheme}://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`,
    tunnels,
    forwarded,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** `n` bytes of a fixed pattern and their SHA-256 (hex). */
export function patternBytes(n: number, seed = 7): { bytes: Uint8Array; hash: string } {
  const bytes = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return { bytes, hash: createHash('sha256').update(bytes).digest('hex') };
}

/** An `intercept` like a proxy or firewall that drops PATCH: 405 before the tus server sees it. */
export function dropPatch(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'PATCH') return false;
  res.writeHead(405, { Allow: 'GET, HEAD, POST, OPTIONS' }).end('PATCH not allowed here');
  return true;
}
