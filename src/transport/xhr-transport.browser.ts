/**
 * The browser's `HttpTransport`. Requests with a body go through `XMLHttpRequest`, the one
 * browser API that reports upload progress (`xhr.upload` events, about every 50 ms in
 * Chromium) and sends a `Blob` slice without copying it into JavaScript memory. Requests
 * without a body go through `fetch` (fetch-transport.ts), which can refuse redirects
 * before anything is sent to their target.
 *
 * `timeout` as an inactivity bound while the body goes out (each progress event is life),
 * then the whole answer within `timeout` (request-watchdog.ts); abort through the signal; a
 * bounded response body. A browser follows an XHR's redirect by itself: the answer of a
 * redirected request is refused (`responseURL` differs), so the upload does not go on
 * there; the body has then reached the redirect's target (see docs/security.md).
 */

import { watchAbort } from '../abort.js';
import { type TusErrorDetails, TusNetworkError, TusRedirectError } from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';
import { FetchTransport, headersOf } from './fetch-transport.js';
import {
  bodyLength,
  DEFAULT_MAX_RESPONSE_BODY,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  isStreamedBody,
  refuseNodeOnlyOptions,
  type TransportOptions,
} from './http-transport.js';
import { drainAllowanceMs, RequestWatchdog } from './request-watchdog.js';

export class XhrTransport implements HttpTransport {
  readonly #fetch: FetchTransport;
  /** Bytes per ms at which the last body to each origin was answered. */
  readonly #rates = new Map<string, number>();

  constructor(options: TransportOptions) {
    refuseNodeOnlyOptions(options, 'the browser build');
    const rate = options.maxBytesPerSecond;
    if (rate !== undefined && Number.isFinite(rate)) {
      throw new RangeError(
        'maxBytesPerSecond is not available in browsers (a page cannot pace what the browser sends); limit the rate on the server or in Node',
      );
    }
    this.#fetch = new FetchTransport(options);
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    if (bodyLength(req.body) === 0 || typeof XMLHttpRequest === 'undefined') {
      return this.#fetch.request(req);
    }
    return new Promise((resolve, reject) => this.#send(req, resolve, reject));
  }

  async close(): Promise<void> {}

  #send(
    req: HttpRequest,
    resolve: (response: HttpResponse) => void,
    reject: (error: unknown) => void,
  ): void {
    const { method, url, signal } = req;
    const details = { method, url: displayUrl(url) } satisfies TusErrorDetails;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const origin = new URL(url).origin;
    const length = bodyLength(req.body);
    const max = req.maxResponseBody ?? DEFAULT_MAX_RESPONSE_BODY;
    const xhr = new XMLHttpRequest();
    let settled = false;
    let unwatch: (() => void) | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      watchdog.stop();
      unwatch?.();
      outcome();
    };
    const fail = (error: unknown) => {
      finish(() => reject(error));
      xhr.abort();
    };
    const watchdog = new RequestWatchdog({
      details,
      timeout: req.timeout,
      requestTimeout: req.requestTimeout,
      onExpire: fail,
    });
    // One listener per signal however many requests share it (abort-watch.ts).
    if (signal !== undefined) unwatch = watchAbort(signal, () => fail(signal.reason));
    const started = performance.now();

    xhr.open(method, url, true);
    // Cookies to another origin only when asked (`credentials: 'include'`).
    xhr.withCredentials = req.credentials === 'include';
    for (const [name, value] of Object.entries(headersOf(req.headers))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      watchdog.alive();
      req.onUploadProgress?.(Math.min(event.loaded, length));
    };
    xhr.upload.onload = () => {
      req.onUploadProgress?.(length);
      watchdog.sent(drainAllowanceMs(length, this.#rates.get(origin)));
    };
    xhr.onreadystatechange = () => {
      if (xhr.readyState === XMLHttpRequest.HEADERS_RECEIVED) watchdog.answered();
    };
    xhr.onprogress = (event) => {
      watchdog.alive();
      // Too much answer: keep what we have and stop reading.
      if (event.loaded > max) finish(() => resolve(answerOf(xhr, max)));
      if (settled) xhr.abort();
    };
    xhr.onload = () => {
      const moved = redirected(xhr.responseURL, url);
      if (moved !== undefined) {
        fail(
          new TusRedirectError(
            `${method} ${details.url}: the browser followed a redirect to ${displayUrl(moved)}; redirects are not followed on purpose, the upload does not go on there (give the client the final URL if it is right)`,
            { ...details, status: xhr.status, location: moved },
          ),
        );
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        this.#rates.set(origin, length / Math.max(performance.now() - started, 0.001));
      }
      finish(() => resolve(answerOf(xhr, max)));
    };
    xhr.onerror = () => {
      this.#rates.delete(origin);
      fail(
        new TusNetworkError(
          `${method} ${details.url}: network error (the connection failed or the server refused CORS)`,
          details,
        ),
      );
    };
    try {
      xhr.send(bodyOf(req));
    } catch (cause) {
      fail(
        new TusNetworkError(`${method} ${details.url}: ${String(cause)}`, { ...details, cause }),
      );
    }
  }
}

/** The body as XHR takes it: bytes or a Blob as they are (a streamed body never comes here). */
function bodyOf(req: HttpRequest): XMLHttpRequestBodyInit {
  const { body } = req;
  if (isStreamedBody(body)) {
    throw new TypeError('a streamed body cannot be sent by XMLHttpRequest; give a Blob');
  }
  return body as Uint8Array<ArrayBuffer> | Blob;
}

/** The URL the browser ended at, when it differs from the one asked for. */
function redirected(responseUrl: string, url: string): string | undefined {
  if (responseUrl === '') return undefined;
  try {
    return new URL(responseUrl).href === new URL(url).href ? undefined : responseUrl;
  } catch {
    return undefined;
  }
}

function answerOf(xhr: XMLHttpRequest, max: number): HttpResponse {
  const headers: Record<string, string> = {};
  for (const line of xhr.getAllResponseHeaders().split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const text = typeof xhr.responseText === 'string' ? xhr.responseText : '';
  return { status: xhr.status, headers, body: text.slice(0, max) };
}
