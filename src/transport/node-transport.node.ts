/**
 * Node's `HttpTransport`: node:http / node:https with one keep-alive agent per client.
 * Whole-request `timeout`, `stallTimeout` (no byte moving either way), abort through the
 * signal, a bounded response body, and body writes paced by `write-pacing.ts`.
 */
import { type ClientRequest, Agent as HttpAgent, type IncomingMessage, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import {
  type TusErrorDetails,
  TusNetworkError,
  TusStallError,
  TusTimeoutError,
} from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';
import { watchAbort } from './abort-watch.js';
import {
  DEFAULT_MAX_RESPONSE_BODY,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  messageWithCode,
  type TransportOptions,
} from './http-transport.js';
import { WritePacing } from './write-pacing.js';

export class NodeTransport implements HttpTransport {
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;
  /** @internal How large the body's writes are, from the rate each origin last showed. */
  readonly pacing = new WritePacing();

  constructor(options: TransportOptions) {
    const common = { keepAlive: true, maxSockets: 8, maxFreeSockets: 8, noDelay: true };
    this.#http = new HttpAgent(common);
    this.#https = new HttpsAgent({ ...common, rejectUnauthorized: options.verifyTlsCert });
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
  const { method, url, signal } = req;
  const details: TusErrorDetails = { method, url: displayUrl(url) };
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
  const body = req.body;
  const headers: Record<string, string | number> = { ...req.headers };
  if (body !== undefined || method === 'POST' || method === 'PATCH') {
    headers['Content-Length'] = body?.byteLength ?? 0;
  }
  const requestFn = parsed.protocol === 'https:' ? httpsRequest : request;
  const origin = parsed.origin;
  const pacing = transport.pacing;
  let bodyStarted = 0;
  let settled = false;
  let clientRequest: ClientRequest | undefined;
  let socket: Socket | undefined;
  let lastLife = 0;
  let lastBytes = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stallTimer: ReturnType<typeof setInterval> | undefined;
  let unwatch: (() => void) | undefined;

  const cleanup = () => {
    if (timer !== undefined) clearTimeout(timer);
    if (stallTimer !== undefined) clearInterval(stallTimer);
    unwatch?.();
  };
  const fail = (error: unknown) => {
    if (settled) return;
    settled = true;
    cleanup();
    // The connection misbehaved (or was abandoned): pace the next body from scratch.
    pacing.forget(origin);
    reject(error);
    clientRequest?.destroy();
  };
  const succeed = (response: HttpResponse) => {
    if (settled) return;
    settled = true;
    cleanup();
    resolve(response);
  };
  // One listener per signal however many requests share it (abort-watch.ts).
  if (signal !== undefined) unwatch = watchAbort(signal, () => fail(signal.reason));
  const alive = () => {
    lastLife = Date.now();
  };

  if (Number.isFinite(req.timeout)) {
    timer = setTimeout(() => {
      fail(
        new TusTimeoutError(
          `${method} ${details.url}: no answer within ${req.timeout} ms`,
          req.timeout,
          details,
        ),
      );
    }, req.timeout);
  }
  const stall = req.stallTimeout;
  if (stall !== undefined && Number.isFinite(stall)) {
    lastLife = Date.now();
    stallTimer = setInterval(
      () => {
        const bytes = socket === undefined ? -1 : socket.bytesRead;
        if (bytes !== lastBytes) {
          lastBytes = bytes;
          alive();
        }
        if (Date.now() - lastLife >= stall) {
          fail(
            new TusStallError(
              `${method} ${details.url}: no data moved for ${stall} ms`,
              stall,
              details,
            ),
          );
        }
      },
      Math.max(5, Math.min(1000, stall / 4)),
    );
  }

  try {
    clientRequest = requestFn(parsed, {
      method,
      headers,
      agent: transport.agentFor(parsed.protocol),
    });
  } catch (cause) {
    fail(
      new TusNetworkError(`${method} ${details.url}: ${messageWithCode(cause)}`, {
        ...details,
        cause,
      }),
    );
    return;
  }
  clientRequest.on('socket', (s: Socket) => {
    socket = s;
    alive();
  });
  clientRequest.on('error', (cause: Error) => {
    fail(
      new TusNetworkError(`${method} ${details.url}: ${messageWithCode(cause)}`, {
        ...details,
        cause,
      }),
    );
  });
  clientRequest.on('response', (response: IncomingMessage) => {
    alive();
    const status = response.statusCode ?? 0;
    if (body !== undefined && status >= 200 && status < 300) {
      pacing.measured(origin, body.byteLength, performance.now() - bodyStarted);
    }
    // A HEAD answer is complete with its headers (RFC 9110 §9.3.2). A server that sends a
    // body anyway makes the parser fail the socket ("Data after Connection: close") once
    // the answer is here: settled first, that failure is ignored.
    if (method === 'HEAD') {
      succeed({ status, headers: headersOf(response), body: '' });
      response.resume();
      return;
    }
    readResponse(response, req, alive, succeed, (cause) =>
      fail(
        new TusNetworkError(
          `${method} ${details.url}: response broke off: ${messageWithCode(cause)}`,
          {
            ...details,
            status: response.statusCode,
            cause,
          },
        ),
      ),
    );
  });
  bodyStarted = performance.now();
  const slice = pacing.sliceFor(origin, body?.byteLength ?? 0);
  writeBody(clientRequest, body, slice, req.onUploadProgress, alive);
}

function writeBody(
  clientRequest: ClientRequest,
  body: Uint8Array | undefined,
  sliceBytes: number,
  onProgress: ((bytesSent: number) => void) | undefined,
  alive: () => void,
): void {
  if (body === undefined || body.byteLength === 0) {
    clientRequest.end();
    return;
  }
  let sent = 0;
  // Each write's callback shows that its bytes left: progress, and life for the stall timer.
  for (let start = 0; start < body.byteLength; start += sliceBytes) {
    const slice = body.subarray(start, Math.min(start + sliceBytes, body.byteLength));
    clientRequest.write(slice, (error) => {
      if (error) return;
      sent += slice.byteLength;
      alive();
      onProgress?.(sent);
    });
  }
  clientRequest.end();
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
