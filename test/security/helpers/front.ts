/**
 * A scripted server on 127.0.0.1 (HTTP, or HTTPS with a test certificate) that stands in
 * front of a real tus server: it records every request (method, path, headers, body size),
 * answers the ones the test scripts (`answer`), forwards the rest to `target` and may
 * rewrite the `Location` it gets back (a hostile server pointing the client elsewhere).
 * With `cors`, it answers preflights itself and allows any origin (for Chromium).
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Certificate } from './tls.js';

export interface SeenRequest {
  method: string;
  /** Path and query, e.g. `/files/ab?sig=x`. */
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  bodyBytes: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FrontOptions {
  /** Origin of the real server that unanswered requests go to. */
  target?: string | undefined;
  /** The scripted answer to `req`, or `undefined` to forward it. */
  answer?: ((req: SeenRequest) => ScriptedAnswer | undefined) | undefined;
  /** The `Location` to hand back, given the target's moved onto this front (the default). */
  location?: ((location: string, req: SeenRequest) => string) | undefined;
  /** Serve HTTPS with this certificate. */
  tls?: Certificate | undefined;
  /** Answer CORS preflights and allow every origin, header and exposed header. */
  cors?: boolean | undefined;
  /** Forward the path without its query (the real server never sees the test's tokens). */
  dropQuery?: boolean | undefined;
}

export interface Front {
  /** `http://127.0.0.1:port` (or `https://`). */
  origin: string;
  /** Every request, preflights included, in order of arrival. */
  requests: SeenRequest[];
  /** The requests that were not CORS preflights. */
  calls(): SeenRequest[];
  close(): Promise<void>;
}

/** `location` moved onto `origin` (same path and query). */
export function onOrigin(location: string, origin: string): string {
  const url = new URL(location);
  return `${origin}${url.pathname}${url.search}`;
}

export async function startFront(options: FrontOptions = {}): Promise<Front> {
  const requests: SeenRequest[] = [];
  let origin = '';
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const body = Buffer.concat(pieces);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      bodyBytes: body.byteLength,
    };
    requests.push(seen);
    const cors: Record<string, string> = options.cors
      ? {
          'Access-Control-Allow-Origin': headers.origin ?? '*',
          'Access-Control-Expose-Headers': '*',
        }
      : {};
    if (options.cors && seen.method === 'OPTIONS' && headers['access-control-request-method']) {
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'POST, HEAD, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': headers['access-control-request-headers'] ?? '*',
        'Access-Control-Max-Age': '0',
      });
      res.end();
      return;
    }
    const scripted = options.answer?.(seen);
    if (scripted !== undefined || options.target === undefined) {
      const answer = scripted ?? { status: 404, body: 'nothing here' };
      res.writeHead(answer.status, { ...answer.headers, ...cors });
      res.end(answer.body ?? '');
      return;
    }
    const path = options.dropQuery ? seen.path.replace(/\?.*$/, '') : seen.path;
    const upstream = await forward(options.target, { ...seen, path }, body);
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value === undefined || name.startsWith('access-control-') || HOP.has(name)) continue;
      out[name] = value;
    }
    if (seen.method !== 'HEAD') out['content-length'] = String(upstream.body.byteLength);
    if (typeof out.location === 'string') {
      // On this front by default (a transparent proxy), or where the test points it.
      const own = onOrigin(new URL(out.location, options.target).href, origin);
      out.location = options.location === undefined ? own : options.location(own, seen);
    }
    res.writeHead(upstream.status, { ...out, ...cors });
    res.end(upstream.body);
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(listener)
      : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  return {
    origin,
    requests,
    calls: () =>
      requests.filter(
        (r) => !(r.method === 'OPTIONS' && r.headers['access-control-request-method']),
      ),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Hop-by-hop headers, not handed on. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

interface Upstream {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function forward(target: string, seen: SeenRequest, body: Buffer): Promise<Upstream> {
  const url = new URL(seen.path, target);
  const headers: Record<string, string> = { ...seen.headers, host: url.host };
  delete headers.origin;
  // The Locations this front handed out name it: a final concatenation's list of them is
  // moved back onto the target, as a rewriting proxy must (the server takes only its own).
  const concat = headers['upload-concat'];
  if (concat !== undefined && seen.headers.host !== undefined) {
    for (const scheme of ['http', 'https']) {
      headers['upload-concat'] = (headers['upload-concat'] ?? concat)
        .split(`${scheme}://${seen.headers.host}/`)
        .join(`${url.origin}/`);
    }
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: seen.method, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
