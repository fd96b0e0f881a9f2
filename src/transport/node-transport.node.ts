/**
 * Node's `HttpTransport`: node:http / node:https with one keep-alive agent per client.
 * `timeout` as an inactivity bound and the opt-in `requestTimeout` (request-watchdog.ts),
 * abort through the signal, a bounded response body, body writes paced by
 * `write-pacing.ts` and limited by `maxBytesPerSecond` (node-body.node.ts). Redirects are
 * answers like any other: never followed. Custom CAs and a client certificate (`tls`), an
 * HTTP proxy (proxy-tunnel.node.ts) or the caller's own agents; failures typed by
 * node-errors.node.ts.
 */
import {
  type ClientRequest,
  Agent as HttpAgent,
  type IncomingMessage,
  type RequestOptions,
  request,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { watchAbort } from '../abort.js';
import { TusError, type TusErrorDetails, TusNetworkError, TusProxyError } from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';
import {
  bodyLength,
  DEFAULT_MAX_RESPONSE_BODY,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  messageWithCode,
  type TlsSettings,
  type TransportOptions,
} from './http-transport.js';
import { writeRequestBody } from './node-body.node.js';
import { requestFailure } from './node-errors.node.js';
import {
  absoluteFormTarget,
  type ProxyRoute,
  proxyRoute,
  TunnelAgent,
} from './proxy-tunnel.node.js';
import { RateLimiter } from './rate-limiter.js';
import {
  burstAllowanceMs,
  drainAllowanceMs,
  OS_BUFFER_BYTES,
  RequestWatchdog,
} from './request-watchdog.js';
import { WritePacing } from './write-pacing.js';

export class NodeTransport implements HttpTransport {
  readonly showsInterimResponses = true;
  /** For `http:` URLs: to the server, or to the proxy (an https agent for an `https:` proxy). */
  readonly #http: HttpAgent;
  /** For `https:` URLs: to the server, or through tunnels of the proxy. */
  readonly #https: HttpAgent;
  /** The agents this transport made (and so destroys on close); not the caller's. */
  readonly #own: HttpAgent[] = [];
  /** @internal The proxy requests go through, when there is one. */
  readonly proxy: ProxyRoute | undefined;
  /** @internal How large the body's writes are, from the rate each origin last showed. */
  readonly pacing = new WritePacing();
  /** @internal The `maxBytesPerSecond` budget shared by every body, when there is one. */
  readonly limiter: RateLimiter | undefined;

  constructor(options: TransportOptions) {
    const common = { keepAlive: true, maxSockets: 8, maxFreeSockets: 8, noDelay: true };
    const tls = tlsOptions(options.verifyTlsCert, options.tls);
    this.proxy = options.proxy === undefined ? undefined : proxyRoute(options.proxy);
    const own = <T extends HttpAgent>(agent: T): T => {
      this.#own.push(agent);
      return agent;
    };
    const given = options.agents as { http?: HttpAgent; https?: HttpAgent } | undefined;
    const proxy = this.proxy;
    // The connection to an https: proxy is checked like a server's, without our client cert.
    const proxyTls = { ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized };
    this.#http =
      given?.http ??
      own(
        proxy?.secure === true ? new HttpsAgent({ ...common, ...proxyTls }) : new HttpAgent(common),
      );
    this.#https =
      given?.https ??
      own(
        proxy === undefined
          ? new HttpsAgent({ ...common, ...tls })
          : new TunnelAgent(
              { ...common, ...tls },
              proxy,
              proxyTls,
              options.proxyConnectTimeout ?? Number.POSITIVE_INFINITY,
            ),
      );
    const rate = options.maxBytesPerSecond;
    this.limiter = rate !== undefined && Number.isFinite(rate) ? new RateLimiter(rate) : undefined;
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => send(this, req, resolve, reject));
  }

  /**
   * @internal How a request to `target` is made: the request function and its options
   * (straight to the server, or to the proxy in absolute form for `http:`).
   */
  routeFor(
    target: URL,
    headers: Record<string, string | number>,
  ): { send: typeof request; url: URL | undefined; options: RequestOptions } {
    if (target.protocol === 'https:') {
      return { send: httpsRequest, url: target, options: { headers, agent: this.#https } };
    }
    const proxy = this.proxy;
    if (proxy === undefined) {
      return { send: request, url: target, options: { headers, agent: this.#http } };
    }
    return {
      send: proxy.secure ? httpsRequest : request,
      url: undefined,
      options: { ...absoluteFormTarget(proxy, target, headers), agent: this.#http },
    };
  }

  async close(): Promise<void> {
    for (const agent of this.#own) agent.destroy();
  }
}

/** node:tls options from the client's: verification, CAs, the client certificate. */
function tlsOptions(verify: boolean, tls: TlsSettings | undefined): ConnectionOptions {
  const bytes = (value: string | Uint8Array): string | Buffer =>
    typeof value === 'string'
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const ca = tls?.ca;
  return {
    rejectUnauthorized: verify,
    ...(ca === undefined ? {} : { ca: Array.isArray(ca) ? ca.map(bytes) : bytes(ca as string) }),
    ...(tls?.cert === undefined ? {} : { cert: bytes(tls.cert) }),
    ...(tls?.key === undefined ? {} : { key: bytes(tls.key) }),
  };
}

function send(
  transport: NodeTransport,
  req: HttpRequest,
  resolve: (response: HttpResponse) => void,
  reject: (error: unknown) => void,
): void {
  const { method, url, signal, body } = req;
  const details = { method, url: displayUrl(url) } satisfies TusErrorDetails;
  if (signal?.aborted) {
    reject(signal.reason);
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    reject(new TusNetworkError(`${method} ${details.url}: not a valid URL`, { ...details, cause }));
    return;
  }
  const length = bodyLength(body);
  const headers: Record<string, string | number> = { ...req.headers };
  if (body !== undefined || method === 'POST' || method === 'PATCH') {
    headers['Content-Length'] = length;
  }
  const route = transport.routeFor(parsed, headers);
  const origin = parsed.origin;
  const { pacing } = transport;
  let bodyStarted = 0;
  let settled = false;
  let clientRequest: ClientRequest | undefined;
  let sent = 0;

  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    cleanup();
    // The connection misbehaved (or was abandoned): pace the next body from scratch.
    pacing.forget(origin);
    reject(error);
    if (clientRequest === undefined) return;
    clientRequest.destroy();
    // A tunnel still opening for it would stay open to the proxy: closed too.
    const agent = route.options.agent;
    if (agent instanceof TunnelAgent) agent.abandon(clientRequest);
  };
  const watchdog = new RequestWatchdog({
    details,
    timeout: req.timeout,
    requestTimeout: req.requestTimeout,
    onExpire: fail,
  });
  let unwatch: (() => void) | undefined;
  const cleanup = () => {
    watchdog.stop();
    unwatch?.();
  };
  const succeed = (response: HttpResponse) => {
    if (settled) return;
    settled = true;
    cleanup();
    resolve(response);
  };
  // One listener per signal however many requests share it (abort-watch.ts).
  if (signal !== undefined) unwatch = watchAbort(signal, () => fail(signal.reason));
  const networkError = (cause: unknown, what = '') => requestFailure(cause, details, what);

  try {
    clientRequest =
      route.url === undefined
        ? route.send({ method, ...route.options })
        : route.send(route.url, { method, ...route.options });
  } catch (cause) {
    fail(networkError(cause));
    return;
  }
  /** Ms from the request's start until its socket could send (0 when reused). */
  let connectMs = 0;
  const started = performance.now();
  clientRequest.on('socket', (socket: Socket) => {
    watchdog.alive();
    if (!socket.connecting) return;
    const ready = parsed.protocol === 'https:' ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      connectMs = performance.now() - started;
      watchdog.alive();
    });
  });
  const onInterim = req.onInterimResponse;
  if (onInterim !== undefined) {
    clientRequest.on('information', (info) => {
      watchdog.alive();
      const interim: Record<string, string> = {};
      for (const [name, value] of Object.entries(info.headers)) {
        if (value !== undefined) interim[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      onInterim(info.statusCode, interim);
    });
  }
  clientRequest.on('error', (cause: Error) => fail(networkError(cause)));
  clientRequest.on('response', (response: IncomingMessage) => {
    watchdog.answered();
    const status = response.statusCode ?? 0;
    // Only a proxy asks for proxy credentials (an http: URL's requests go to it in full).
    if (status === 407 && transport.proxy !== undefined) {
      response.resume();
      fail(
        new TusProxyError(
          `${method} ${details.url}: the proxy ${transport.proxy.shown} refused the request: 407 Proxy Authentication Required`,
          { ...details, status, responseHeaders: headersOf(response) },
        ),
      );
      return;
    }
    if (length > 0 && status >= 200 && status < 300) {
      pacing.measured(origin, length, performance.now() - bodyStarted);
    }
    // A HEAD answer is complete with its headers (RFC 9110 §9.3.2). A server that sends a
    // body anyway makes the parser fail the socket ("Data after Connection: close") once
    // the answer is here: settled first, that failure is ignored.
    if (method === 'HEAD') {
      succeed({ status, headers: headersOf(response), body: '', connectMs });
      response.resume();
      return;
    }
    readResponse(
      response,
      req,
      () => watchdog.alive(),
      (answer) => succeed({ ...answer, connectMs }),
      (cause) =>
        fail(
          new TusNetworkError(
            `${method} ${details.url}: response broke off: ${messageWithCode(cause)}`,
            { ...details, status, cause },
          ),
        ),
    );
  });
  bodyStarted = performance.now();
  /** When the bytes written first passed what the OS buffers: from then on, at the link's pace. */
  let bufferFilledAt: number | undefined;
  /** This body's own pace once the OS buffers were full, else the origin's last rate. */
  const rateSeen = (): number | undefined => {
    const elapsed = bufferFilledAt === undefined ? 0 : performance.now() - bufferFilledAt;
    return sent >= 2 * OS_BUFFER_BYTES && elapsed > 0
      ? (sent - OS_BUFFER_BYTES) / elapsed
      : pacing.rateOf(origin);
  };
  const onWritten = (bytes: number) => {
    sent += bytes;
    watchdog.alive();
    req.onUploadProgress?.(sent);
    if (bufferFilledAt === undefined && sent >= OS_BUFFER_BYTES) bufferFilledAt = performance.now();
    if (sent === length) watchdog.sent(drainAllowanceMs(length, rateSeen()));
    else watchdog.allowGap(burstAllowanceMs(sent, rateSeen()));
  };
  if (length === 0) watchdog.sent();
  writeRequestBody(clientRequest, body, {
    sliceBytes: pacing.sliceFor(origin, length),
    limiter: transport.limiter,
    onWritten,
  }).catch((error: unknown) => {
    // Producing the body failed (the input could not be read): that error is the answer.
    fail(error instanceof TusError ? error : networkError(error, 'reading the body failed: '));
  });
}

function readResponse(
  response: IncomingMessage,
  req: HttpRequest,
  alive: () => void,
  succeed: (response: HttpResponse) => void,
  broke: (cause: unknown) => void,
): void {
  const max = req.maxResponseBody ?? DEFAULT_MAX_RESPONSE_BODY;
  const pieces: Buffer[] = [];
  let kept = 0;
  const headers = headersOf(response);
  const status = response.statusCode ?? 0;
  const finish = () => succeed({ status, headers, body: Buffer.concat(pieces).toString('utf8') });
  let seen = 0;
  response.on('data', (piece: Buffer) => {
    alive();
    seen += piece.byteLength;
    if (kept < max) {
      const part = piece.subarray(0, max - kept);
      pieces.push(part);
      kept += part.byteLength;
    }
    if (seen > max) {
      // Too much body: keep what we have and drop the connection instead of reading on.
      // Settle first: destroying emits 'aborted' at once, which would fail the request.
      response.removeAllListeners('data');
      finish();
      response.destroy();
    }
  });
  response.on('end', finish);
  response.on('error', broke);
  response.on('aborted', () => broke(new Error('aborted')));
  response.on('close', () => {
    if (!response.complete) broke(new Error('connection closed'));
  });
}

function headersOf(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
