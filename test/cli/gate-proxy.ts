/**
 * A small HTTP proxy for CLI tests: forwards everything to a tus server, and can hold PATCH
 * requests after the first `n` (or those of big uploads only) so a test interrupts an
 * upload at a known point, pace PATCHes, count the POSTs per file and log the bytes
 * received (for rate tests).
 */
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyRequest {
  method: string;
  path: string;
  /** The decoded `Upload-Metadata` (POST). */
  metadata: Record<string, string>;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface GateProxy {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Endpoint on the proxy for the server's endpoint `serverEndpoint`. */
  endpointFor(serverEndpoint: string): string;
  /** Forward the first `count` PATCH requests (counting from now), hold the rest. */
  holdPatchesAfter(count: number): void;
  /** Hold the PATCHes of uploads longer than `bytes` once each had `count` of them. */
  holdBigUploads(bytes: number, count: number): void;
  /** Wait `ms` before forwarding each PATCH. */
  pacePatches(ms: number): void;
  /** Resolves once a PATCH request is being held. */
  held(): Promise<void>;
  /** Forward everything from now on, unpaced (requests held so far are dropped). */
  open(): void;
  /** PATCH requests forwarded so far. */
  readonly patches: number;
  /** Every request seen, in order. */
  readonly requests: readonly ProxyRequest[];
  /** Bytes of PATCH bodies as they arrived: `[performance.now(), bytes]`. */
  readonly received: ReadonlyArray<readonly [number, number]>;
  close(): Promise<void>;
}

function decodeMetadata(header: string | string[] | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of String(header ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key) metadata[key] = Buffer.from(value ?? '', 'base64').toString('utf8');
  }
  return metadata;
}

export async function startGateProxy(target: string): Promise<GateProxy> {
  const targetUrl = new URL(target);
  let allowed = Number.POSITIVE_INFINITY;
  let patches = 0;
  let paceMs = 0;
  let big: { bytes: number; count: number } | undefined;
  /** Upload path → its length and PATCHes forwarded. */
  const uploads = new Map<string, { length: number; patches: number }>();
  const requests: ProxyRequest[] = [];
  const received: Array<[number, number]> = [];
  let onHeld: (() => void) | undefined;
  let heldPromise: Promise<void> = new Promise((resolve) => {
    onHeld = resolve;
  });
  const holding = new Set<IncomingMessage>();

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const location = answer.headers.location;
        const length = Number(req.headers['upload-length']);
        if (req.method === 'POST' && location !== undefined && Number.isFinite(length)) {
          uploads.set(new URL(location, target).pathname, { length, patches: 0 });
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('aborted', () => upstream.destroy());
    if (req.method === 'PATCH') {
      req.on('data', (chunk: Buffer) => received.push([performance.now(), chunk.length]));
    }
    req.pipe(upstream);
  };

  const hold = (req: IncomingMessage) => {
    holding.add(req);
    req.on('close', () => holding.delete(req));
    req.resume();
    onHeld?.();
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({
      method: req.method ?? '',
      path,
      metadata: decodeMetadata(req.headers['upload-metadata']),
      headers: req.headers,
    });
    if (req.method === 'PATCH') {
      const upload = uploads.get(path);
      if (patches >= allowed) return hold(req);
      if (big !== undefined && upload !== undefined && upload.length > big.bytes) {
        if (upload.patches >= big.count) return hold(req);
        upload.patches += 1;
      }
      patches += 1;
      if (paceMs > 0) {
        setTimeout(() => forward(req, res), paceMs);
        return;
      }
    }
    forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    endpointFor(serverEndpoint) {
      const url = new URL(serverEndpoint);
      return `${origin}${url.pathname}${url.search}`;
    },
    holdPatchesAfter(count) {
      allowed = patches + count;
      heldPromise = new Promise((resolve) => {
        onHeld = resolve;
      });
    },
    holdBigUploads(bytes, count) {
      big = { bytes, count };
    },
    pacePatches(ms) {
      paceMs = ms;
    },
    held: () => heldPromise,
    open() {
      allowed = Number.POSITIVE_INFINITY;
      big = undefined;
      paceMs = 0;
      for (const req of holding) req.destroy();
      holding.clear();
    },
    get patches() {
      return patches;
    },
    requests,
    received,
    async close() {
      for (const req of holding) req.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
