/**
 * Node's `HttpTransport`: node:http / node:https with one keep-alive agent per client.
 * `timeout` as an inactivity bound and the opt-in `requestTimeout` (request-watchdog.ts),
 * abort through the signal, a bounded response body, body writes paced by
 * `write-pacing.ts` and limited by `maxBytesPerSecond` (node-body.node.ts). Redirects are
 * answers like any other: never followed.
 */
import { type ClientRequest, Agent as HttpAgent, type IncomingMessage, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { TusError, type TusErrorDetails, TusNetworkError } from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';
import { watchAbort } from './abort-watch.js';
import {
  bodyLength,
  DEFAULT_MAX_RESPONSE_BODY,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  messageWithCode,
  type TransportOptions,
} from './http-transport.js';
import { writeRequestBody } from './node-body.node.js';
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
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;
  /** @internal How large the body's writes are, from the rate each origin last showed. */
  readonly pacing = new WritePacing();
  /** @internal The `maxBytesPerSecond` budget shared by every body, when there is one. */
  readonly limiter: RateLimiter | undefined;

  constructor(options: TransportOptions) {
    const common = { keepAlive: true, maxSockets: 8, maxFreeSockets: 8, noDelay: true };
    this.#http = new HttpAgent(common);
    this.#https = new HttpsAgent({ ...common, rejectUnauthorized: options.verifyTlsCert });
    const rate = options.maxBytesPerSecond;
    this.limiter = rate !== undefined && Number.isFinite(rate) ? new RateLimiter(rate) : undefined;
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => send(this, req, resolve, reject));
  }

  /** @internal */
  agentFor(protocol: string): HttpAgent {
    return protocol === 'https:' ? this.#https : this.#http;
  }

  async close(): Promise<void> {
    this.#http.destroy();
    this.#https.destroy();
  }
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
  const requestFn = parsed.protocol === 'https:' ? httpsRequest : request;
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
    clientRequest?.destroy();
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
  const networkError = (cause: unknown, what = '') =>
    new TusNetworkError(`${method} ${details.url}: ${what}${messageWithCode(cause)}`, {
      ...details,
      cause,
    });

  try {
    clientRequest = requestFn(parsed, {
      method,
      headers,
      agent: transport.agentFor(parsed.protocol),
    });
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
      succeed,
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
