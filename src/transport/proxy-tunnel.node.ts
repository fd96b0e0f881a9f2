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

/** The largest proxy answer head to `CONNECT` read before giving up. */
const MAX_CONNECT_HEAD = 16_384;

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
 * bounds the wait for the proxy's answer to `CONNECT` (ms, `Infinity` = none).
 */
export class TunnelAgent extends HttpsAgent {
  readonly #route: ProxyRoute;
  readonly #proxyTls: ConnectionOptions;
  readonly #connectTimeout: number;

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

  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    const port = Number(options.port ?? 443);
    openTunnel(this.#route, host, port, this.#proxyTls, this.#connectTimeout).then(
      (socket) => {
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
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    // The socket comes through the callback once the tunnel is open.
    return undefined;
  }
}

/** Opens a connection to the proxy and asks it for a tunnel to `host:port`. */
export function openTunnel(
  route: ProxyRoute,
  host: string,
  port: number,
  proxyTls: ConnectionOptions,
  timeoutMs: number,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = route.secure
      ? tlsConnect({
          ...proxyTls,
          host: route.host,
          port: route.port,
          ...(isIPv6(route.host) || /^[0-9.]+$/.test(route.host) ? {} : { servername: route.host }),
        })
      : netConnect({ host: route.host, port: route.port });
    const authority = `${isIPv6(host) ? `[${host}]` : host}:${port}`;
    let head = Buffer.alloc(0);
    let done = false;
    const finish = (error: Error | undefined) => {
      if (done) return;
      done = true;
      socket.setTimeout(0);
      socket.off('data', onData);
      if (error === undefined) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onData = (piece: Buffer) => {
      head = Buffer.concat([head, piece]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.byteLength > MAX_CONNECT_HEAD) {
          finish(new ProxyRefusal(`the proxy ${route.shown} sent an endless answer`, undefined));
        }
        return;
      }
      const line = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const match = /^HTTP\/1\.[01] ([0-9]{3})(?: (.*))?$/.exec(line);
      if (match === null) {
        finish(new ProxyRefusal(`the proxy ${route.shown} did not answer in HTTP`, undefined));
        return;
      }
      const status = Number(match[1]);
      if (status < 200 || status >= 300) {
        const reason = match[2] === undefined || match[2] === '' ? '' : ` ${match[2]}`;
        finish(
          new ProxyRefusal(
            `the proxy ${route.shown} refused the tunnel to ${authority}: ${status}${reason}`,
            status,
          ),
        );
        return;
      }
      // Bytes after the head belong to the tunnel (a server that spoke first).
      const rest = head.subarray(end + 4);
      if (rest.byteLength > 0) socket.unshift(rest);
      finish(undefined);
    };
    socket.on('data', onData);
    socket.once('error', (error) => finish(error));
    socket.once('close', () =>
      finish(new Error(`the proxy ${route.shown} closed the connection before the tunnel opened`)),
    );
    if (Number.isFinite(timeoutMs)) {
      socket.setTimeout(timeoutMs, () =>
        finish(new Error(`no answer from the proxy ${route.shown} within ${timeoutMs} ms`)),
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
