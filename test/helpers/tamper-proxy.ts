/**
 * A small HTTP proxy on 127.0.0.1 for client tests: it forwards every request to
 * `target`, and lets a test change a request body on the way (flip a byte so the server's
 * checksum check answers 460) or hold a request until released.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/files/ab`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** 1-based index of this request among those with the same method. */
  nth: number;
}

export interface TamperProxyOptions {
  /** Returns the body to forward (changed or not). */
  tamper?: (req: ProxiedRequest) => Buffer;
  /** Resolves when the request may go on (a held request). */
  hold?: (req: ProxiedRequest) => Promise<void> | undefined;
}

export interface TamperProxy {
  /** `target` with the proxy's host and port. */
  endpoint: string;
  /** Every request seen, in order. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** Flips one bit of the byte in the middle of `body` (a copy). */
export function flipMiddleByte(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = copy.length >> 1;
  if (copy.length > 0) copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

export async function startTamperProxy(
  target: string,
  options: TamperProxyOptions = {},
): Promise<TamperProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const counts = new Map<string, number>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const method = req.method ?? 'GET';
    const nth = (counts.get(method) ?? 0) + 1;
    counts.set(method, nth);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const seen: ProxiedRequest = {
      method,
      path: req.url ?? '/',
      headers,
      body: Buffer.concat(pieces),
      nth,
    };
    requests.push(seen);
    await options.hold?.(seen);
    // The client gave up on a held request: drop it rather than deliver it late.
    if (res.destroyed || req.socket.destroyed) return;
    const body = options.tamper?.(seen) ?? seen.body;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path: seen.path,
        headers: { ...headers, host: upstream.host, 'content-length': String(body.length) },
      },
      (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value === undefined) continue;
          // Rewrite absolute Locations so the client keeps talking through the proxy.
          out[name] =
            name === 'location' && typeof value === 'string'
              ? value.replace(upstream.origin, `http://127.0.0.1:${port}`)
              : value;
        }
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    forward.end(body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}${upstream.pathname}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
