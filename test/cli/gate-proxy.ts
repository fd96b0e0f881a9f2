/**
 * A small HTTP proxy for CLI tests: forwards everything to a tus server, and can hold PATCH
 * requests after the first `n` so a test interrupts an upload at a known point.
 */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GateProxy {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Endpoint on the proxy for the server's endpoint `serverEndpoint`. */
  endpointFor(serverEndpoint: string): string;
  /** Forward the first `count` PATCH requests (counting from now), hold the rest. */
  holdPatchesAfter(count: number): void;
  /** Resolves once a PATCH request is being held. */
  held(): Promise<void>;
  /** Forward everything from now on (requests held so far are dropped). */
  open(): void;
  /** PATCH requests forwarded so far. */
  readonly patches: number;
  close(): Promise<void>;
}

export async function startGateProxy(target: string): Promise<GateProxy> {
  const targetUrl = new URL(target);
  let allowed = Number.POSITIVE_INFINITY;
  let patches = 0;
  let onHeld: (() => void) | undefined;
  let heldPromise: Promise<void> = new Promise((resolve) => {
    onHeld = resolve;
  });
  const holding = new Set<IncomingMessage>();

  const forward = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const upstream = request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  };

  const server: Server = createServer((req, res) => {
    if (req.method === 'PATCH') {
      if (patches >= allowed) {
        holding.add(req);
        req.on('close', () => holding.delete(req));
        req.resume();
        onHeld?.();
        return;
      }
      patches += 1;
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
    held: () => heldPromise,
    open() {
      allowed = Number.POSITIVE_INFINITY;
      for (const req of holding) req.destroy();
      holding.clear();
    },
    get patches() {
      return patches;
    },
    async close() {
      for (const req of holding) req.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
