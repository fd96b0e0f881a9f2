/**
 * A streaming HTTP proxy for resume tests: forwards every request to the server as it
 * arrives (nothing buffered, so a client killed mid-PATCH cuts the server's body too) and
 * counts the PATCH body bytes that reach the server.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  /** `Upload-Offset` of a PATCH. */
  offset: number | undefined;
  /** Body bytes forwarded to the server. */
  bytes: number;
}

export interface CountingProxy {
  /** `target` with the proxy's host and port. */
  endpoint: string;
  requests: SeenRequest[];
  /** PATCH body bytes forwarded to the server so far. */
  patchBytes(): number;
  /** Called with the running PATCH byte total as bytes flow (to kill a client mid-body). */
  onPatchBytes: ((total: number) => void) | undefined;
  /** Resolves when no request is in flight (the server finished with a cut-off body). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  let total = 0;
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const settle = () => {
    inFlight--;
    if (inFlight === 0) {
      for (const wake of idleWaiters) wake();
      idleWaiters = [];
    }
  };
  const proxy: CountingProxy = {
    endpoint: '',
    requests: [],
    patchBytes: () => total,
    onPatchBytes: undefined,
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      settle();
    };
    const method = req.method ?? 'GET';
    const offsetHeader = req.headers['upload-offset'];
    const seen: SeenRequest = {
      method,
      path: req.url ?? '/',
      offset: typeof offsetHeader === 'string' ? Number(offsetHeader) : undefined,
      bytes: 0,
    };
    proxy.requests.push(seen);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path: seen.path,
        // The client's Host stays: the server's Location then points at the proxy.
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', finish);
        answer.on('error', finish);
        answer.on('close', finish);
      },
    );
    forward.on('error', () => {
      res.destroy();
      finish();
    });
    req.on('data', (piece: Buffer) => {
      seen.bytes += piece.length;
      if (method === 'PATCH') {
        total += piece.length;
        proxy.onPatchBytes?.(total);
      }
      forward.write(piece);
    });
    req.on('end', () => forward.end());
    // The client went away mid-body: cut the server's request as well.
    req.on('close', () => {
      if (!req.complete) forward.destroy();
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  proxy.endpoint = url.href;
  return proxy;
}
