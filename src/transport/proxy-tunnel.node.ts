/**
 * Requests through an HTTP proxy (the `proxy` option), in Node:
 * - `https:` servers through a tunnel: `CONNECT host:port` to the proxy, then TLS with the
 *   server inside it (`TunnelAgent`: an https `Agent` whose sockets are tunnels, pooled with
 *   keep-alive like any other, so one tunnel carries many requests);
 * - `http:` servers in absolute form (`absoluteFormTarget`): the request goes to the proxy
 *   with the full URL as its target, which every HTTP proxy takes (many allow `CONNECT` to
 *   port 443 only).
 * The proxy's user and password go to the proxy only, as `Proxy-Authorization: Basic`, and
 * are shown nowhere (`ProxyRoute.shown`).
 */
import type { ClientRequestArgs, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { isIPv6, connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { redactUrl } from '../errors/redact.js';
import { type ConnectAnswer, MAX_CONNECT_HEAD, readConnectAnswer } from './connect-answer.js';

/** The proxy, parsed once. */
export interface ProxyRoute {
  readonly secure: boolean;
  /** Host name (IPv6 without brackets) and port to connect to. */
  readonly host: string;
  readonly port: number;
  /** `Basic …` from the URL's user and password, `undefined` without them. */
  readonly authorization: string | undefined;
  /** The proxy as shown to people: scheme, host and port, no credentials. */
  readonly shown: string;
}

export function proxyRoute(proxy: string): ProxyRoute {
  const url = new URL(proxy);
  const secure = url.protocol === 'https:';
  const credentials =
    url.username === '' && url.password === ''
      ? undefined
      : `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return {
    secure,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    authorization:
      credentials === undefined
        ? undefined
        : `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
    shown: redactUrl(`${url.protocol}//${url.host}`),
  };
}

/** The proxy answered `CONNECT` with something other than 2xx (or not with HTTP). */
export class ProxyRefusal extends Error {
  /** The proxy's status, `undefined` when its answer was not HTTP. */
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined) {
    super(message);
    this.name = 'ProxyRefusal';
    this.status = status;
  }
}

/**
 * An https `Agent` whose connections are tunnels through the proxy. `proxyTls` is how the
 * connection to an `https:` proxy is made (its CA, whether to verify it); `connectTimeout`
 * bounds the wait for the proxy's answer to `CONNECT` (ms, `Infinity` = none). A tunnel
 * still opening belongs to the request that asked for it: `abandon(request)` (the request
 * given up: aborted, timed out) and `destroy()` (the client closed) close it.
 */
export class TunnelAgent extends HttpsAgent {
  readonly #route: ProxyRoute;
  readonly #proxyTls: ConnectionOptions;
  readonly #connectTimeout: number;
  /** Tunnels still opening, by the request each was opened for. */
  readonly #opening = new Map<object, AbortController>();
  /** The request `createSocket` is making a connection for (`createConnection` runs within). */
  #asking: object | undefined;
  #destroyed = false;

  constructor(
    options: HttpsAgentOptions,
    route: ProxyRoute,
    proxyTls: ConnectionOptions,
    connectTimeout: number,
  ) {
    super(options);
    this.#route = route;
    this.#proxyTls = proxyTls;
    this.#connectTimeout = connectTimeout;
  }

  /**
   * @internal Node's (from `addRequest`, or for a queued request when a socket goes):
   * records which request the connection it makes at once is for.
   */
  createSocket(request: object, options: object, callback: unknown): void {
    this.#asking = request;
    try {
      (HttpsAgent.prototype as unknown as AgentInternals).createSocket.call(
        this,
        request,
        options,
        callback,
      );
    } finally {
      this.#asking = undefined;
    }
  }

  /** Closes the tunnel still opening for `request`, if there is one. */
  abandon(request: object): void {
    this.#opening.get(request)?.abort();
  }

  override destroy(): void {
    this.#destroyed = true;
    for (const opening of this.#opening.values()) opening.abort();
    super.destroy();
  }

  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    const port = Number(options.port ?? 443);
    const opening = new AbortController();
    if (this.#destroyed) opening.abort();
    // Keyed by the request, else by the controller itself (dropped with it).
    const key = this.#asking ?? opening;
    this.#opening.set(key, opening);
    const settled = () => {
      if (this.#opening.get(key) === opening) this.#opening.delete(key);
    };
    openTunnel(this.#route, host, port, this.#proxyTls, this.#connectTimeout, opening.signal).then(
      (socket) => {
        settled();
        let secured: Duplex | null | undefined;
        try {
          // https.Agent's own TLS connect (session reuse), over the tunnel.
          secured = super.createConnection({ ...options, socket } as ClientRequestArgs);
        } catch (error) {
          socket.destroy();
          callback?.(error as Error, socket);
          return;
        }
        if (secured) callback?.(null, secured);
      },
      (error: Error) => {
        settled();
        callback?.(error, undefined as unknown as Duplex);
      },
    );
    // The socket comes through the callback once the tunnel is open.
    return undefined;
  }
}

/** Node's `Agent` method that `TunnelAgent` wraps (not in its published types). */
interface AgentInternals {
  createSocket(request: object, options: object, callback: unknown): void;
}

/**
 * Opens a connection to the proxy and asks it for a tunnel to `host:port`. `timeoutMs` bounds
 * the whole exchange (a proxy that trickles its answer does not hold the socket longer);
 * `signal` gives up on it, the socket destroyed (a request abandoned, the agent destroyed).
 */
export function openTunnel(
  route: ProxyRoute,
  host: string,
  port: number,
  proxyTls: ConnectionOptions,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abandoned(route));
      return;
    }
    const socket: Socket = route.secure
      ? tlsConnect({
          ...proxyTls,
          host: route.host,
          port: route.port,
          ...(isIPv6(route.host) || /^[0-9.]+$/.test(route.host) ? {} : { servername: route.host }),
        })
      : netConnect({ host: route.host, port: route.port });
    const authority = `${isIPv6(host) ? `[${host}]` : host}:${port}`;
    const pieces: Buffer[] = [];
    let received = 0;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => finish(abandoned(route));
    const finish = (error: Error | undefined) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      if (error === undefined) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onData = (piece: Buffer) => {
      pieces.push(piece);
      received += piece.byteLength;
      // Nothing past the bound is kept: the answer is judged on what came within it.
      const head = Buffer.concat(pieces, Math.min(received, MAX_CONNECT_HEAD + 1));
      pieces.length = 0;
      pieces.push(head);
      const answer = readConnectAnswer(head);
      if (answer.kind === 'incomplete') return;
      finish(tunnelFailure(route, authority, answer, received));
    };
    socket.on('data', onData);
    socket.once('error', (error) => finish(error));
    socket.once('close', () =>
      finish(new Error(`the proxy ${route.shown} closed the connection before the tunnel opened`)),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    if (Number.isFinite(timeoutMs)) {
      timer = setTimeout(
        () => finish(new Error(`no answer from the proxy ${route.shown} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    }
    socket.once(route.secure ? 'secureConnect' : 'connect', () => {
      const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
      if (route.authorization !== undefined) {
        lines.push(`Proxy-Authorization: ${route.authorization}`);
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  });
}

/**
 * Why the tunnel cannot be used, `undefined` when it can. Bytes after a 2xx head would be the
 * server's, but a TLS server never speaks first (the client's hello opens the handshake):
 * they are the proxy's mistake, refused here rather than handed to TLS as its first record.
 */
function tunnelFailure(
  route: ProxyRoute,
  authority: string,
  answer: Exclude<ConnectAnswer, { kind: 'incomplete' }>,
  received: number,
): ProxyRefusal | undefined {
  const proxy = `the proxy ${route.shown}`;
  switch (answer.kind) {
    case 'too-large':
      return new ProxyRefusal(
        `${proxy} sent an answer head over ${MAX_CONNECT_HEAD} bytes to CONNECT`,
        undefined,
      );
    case 'not-http':
      return new ProxyRefusal(
        `${proxy} did not answer CONNECT in HTTP/1.x ("${answer.line}")`,
        undefined,
      );
    case 'answer': {
      const { status, reason } = answer;
      if (status < 200 || status >= 300) {
        return new ProxyRefusal(
          `${proxy} refused the tunnel to ${authority}: ${status}${reason === '' ? '' : ` ${reason}`}`,
          status,
        );
      }
      const extra = received - answer.headEnd;
      if (extra > 0) {
        return new ProxyRefusal(
          `${proxy} sent ${extra} byte${extra === 1 ? '' : 's'} after its ${status} answer to CONNECT, before the TLS handshake began (a server cannot speak first there)`,
          undefined,
        );
      }
      return undefined;
    }
  }
}

function abandoned(route: ProxyRoute): Error {
  return new Error(`the tunnel through the proxy ${route.shown} was given up before it opened`);
}

/**
 * How an `http:` request goes through the proxy: to the proxy's host and port, with the full
 * URL (without user and password) as its target, the server's `Host`, and the proxy URL's
 * credentials (in place of a `Proxy-Authorization` among `headers`; without them, one given
 * there is kept: it is for the proxy).
 */
export function absoluteFormTarget(
  route: ProxyRoute,
  target: URL,
  headers: Record<string, string | number>,
): {
  protocol: string;
  hostname: string;
  port: number;
  path: string;
  headers: Record<string, string | number>;
} {
  const out: Record<string, string | number> = {};
  const ours = route.authorization !== undefined;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'host' && !(ours && lower === 'proxy-authorization')) out[name] = value;
  }
  out.Host = target.host;
  if (route.authorization !== undefined) out['Proxy-Authorization'] = route.authorization;
  return {
    protocol: route.secure ? 'https:' : 'http:',
    hostname: route.host,
    port: route.port,
    path: `${target.protocol}//${target.host}${target.pathname}${target.search}`,
    headers: out,
  };
}
