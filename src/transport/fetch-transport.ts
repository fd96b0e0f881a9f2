/**
 * An `HttpTransport` over `fetch`, platform-free (Node >= 20 has `fetch` too, which is how
 * its unit tests run). In browsers it carries the requests without a body (OPTIONS, HEAD,
 * DELETE, an empty POST); `xhr-transport.browser.ts` carries the bodies, because `fetch`
 * cannot report upload progress. `timeout` as an inactivity bound and the opt-in
 * `requestTimeout` (request-watchdog.ts), abort through the signal, a bounded response body.
 *
 * What `fetch` cannot do, and how this transport copes:
 * - It reports no upload progress, so `onUploadProgress` is called once, when the server
 *   has answered.
 * - It cannot see request bytes leave, so the inactivity clock runs from the start of the
 *   request (plus the time the body needs at the assumed slowest rate) and is reset by the
 *   response headers and by each piece of the response body.
 * - It cannot turn certificate checks off, so `verifyTlsCert: false` is refused; nor take a
 *   proxy, agents or certificates (`proxy`, `agents`, `ca`, `cert`, `key` are refused).
 * - Cookies go to another origin only with `credentials: 'include'` (the request's own).
 * - Browsers set `Content-Length` themselves (the header is forbidden to scripts).
 * - A streamed body (pieces of a large chunk) goes as a `ReadableStream` with its
 *   `Content-Length` where fetch streams over HTTP/1.1 (workerd, Deno, Bun, Node); a browser
 *   streams only over HTTP/2, so there it is gathered first.
 * - A `Cache-Control` request header would need a CORS preflight that tus servers
 *   (@tus/server among them) do not allow, and the `cache: 'no-store'` mode makes Chromium
 *   skip its preflight cache (one preflight per request): neither is sent. The server's
 *   `Cache-Control: no-store` on HEAD answers (the tus spec asks for it) keeps them uncached.
 * - Redirects are not followed (`redirect: 'manual'`): a browser's `opaqueredirect`
 *   answer is a `TusRedirectError`; Node's fetch hands the 3xx to the core, which refuses it.
 */

import { watchAbort } from '../abort.js';
import { type TusErrorDetails, TusNetworkError, TusRedirectError } from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';
import {
  bodyLength,
  DEFAULT_MAX_RESPONSE_BODY,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  isStreamedBody,
  messageWithCode,
  refuseNodeOnlyOptions,
  type StreamedBody,
  type TransportOptions,
} from './http-transport.js';
import { drainAllowanceMs, RequestWatchdog } from './request-watchdog.js';

/** The `fetch` this transport calls; a parameter so tests (or a polyfill) can pass one. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export class FetchTransport implements HttpTransport {
  readonly #fetch: FetchFunction;

  constructor(options: TransportOptions, fetchFunction?: FetchFunction) {
    if (!options.verifyTlsCert) {
      throw new RangeError(
        'verifyTlsCert: false is not available with fetch (a browser always checks certificates); trust the certificate in the browser or the system instead',
      );
    }
    refuseNodeOnlyOptions(options, 'fetch');
    const chosen = fetchFunction ?? (globalThis as { fetch?: FetchFunction }).fetch;
    if (typeof chosen !== 'function') {
      throw new TypeError('this platform has no fetch(): the fetch transport cannot run here');
    }
    // Called through a closure: some browsers throw "Illegal invocation" on a detached fetch.
    this.#fetch = (input, init) => chosen.call(globalThis, input, init);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const { method, url, signal } = req;
    if (signal?.aborted) throw signal.reason;
    const details = { method, url: displayUrl(url) } satisfies TusErrorDetails;
    const controller = new AbortController();
    /** Why this transport aborted the fetch itself (a timeout), if it did. */
    let ownReason: Error | undefined;
    // One listener per signal however many requests share it (abort-watch.ts).
    const unwatch =
      signal === undefined ? undefined : watchAbort(signal, () => controller.abort(signal.reason));
    const watchdog = new RequestWatchdog({
      details,
      timeout: req.timeout,
      requestTimeout: req.requestTimeout,
      onExpire: (reason) => {
        ownReason ??= reason;
        controller.abort(reason);
      },
    });
    const length = bodyLength(req.body);
    // fetch shows no upload progress: the body's time at the slowest rate assumed is allowed.
    watchdog.sent(drainAllowanceMs(length, undefined) + length / 64);

    /** The error to throw for a failure of fetch or of reading its body. */
    const failure = (cause: unknown, status?: number): unknown => {
      if (signal?.aborted) return signal.reason;
      if (ownReason !== undefined) return ownReason;
      const what = status === undefined ? '' : 'response broke off: ';
      return new TusNetworkError(`${method} ${details.url}: ${what}${messageOf(cause)}`, {
        ...details,
        ...(status === undefined ? {} : { status }),
        cause,
      });
    };

    try {
      let response: Response;
      try {
        const body = await bodyOf(req);
        const headers = headersOf(req.headers);
        // A stream's length is not known to fetch: told, so that no chunked body goes out.
        if (body instanceof ReadableStream) headers['Content-Length'] = String(length);
        response = await this.#fetch(url, {
          method,
          headers,
          body,
          signal: controller.signal,
          redirect: 'manual',
          credentials: req.credentials ?? 'same-origin',
          // Needed by a stream body (Node), allowed with any.
          duplex: 'half',
        } as RequestInit);
      } catch (cause) {
        throw failure(cause);
      }
      watchdog.answered();
      // A browser hides a redirect it was told not to follow; Node's fetch shows the 3xx.
      if (response.type === 'opaqueredirect') {
        throw new TusRedirectError(
          `${method} ${details.url}: the server answered with a redirect; redirects are not followed (the request would carry the upload elsewhere): give the client the final URL`,
          details,
        );
      }
      if (length > 0) req.onUploadProgress?.(length);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      let body: string;
      try {
        body = await readBody(response, req.maxResponseBody ?? DEFAULT_MAX_RESPONSE_BODY, () =>
          watchdog.alive(),
        );
      } catch (cause) {
        throw failure(cause, response.status);
      }
      return { status: response.status, headers, body };
    } finally {
      watchdog.stop();
      unwatch?.();
    }
  }

  /** Nothing to release: the platform owns its connections. */
  async close(): Promise<void> {}
}

/** The request headers less `Cache-Control` (see the notes at the top). */
export function headersOf(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'cache-control') continue;
    out[name] = value;
  }
  return out;
}

/**
 * The body to hand to fetch: the bytes or the Blob as they are, or an empty one so
 * POST/PATCH carry `Content-Length: 0`. A streamed body goes as a `ReadableStream` where
 * fetch streams request bodies over HTTP/1.1 (workerd, Deno, Bun, Node: `streamsBodies`),
 * so a chunk is never held whole; a browser streams them only over HTTP/2, so there (a
 * service worker, which has no XMLHttpRequest) it is gathered into one array.
 */
async function bodyOf(req: HttpRequest): Promise<BodyInit | null> {
  const { body } = req;
  if (body === undefined) {
    return req.method === 'POST' || req.method === 'PATCH' ? new Uint8Array(0) : null;
  }
  if (!isStreamedBody(body)) return body as Uint8Array<ArrayBuffer> | Blob;
  const stream = streamOf(body);
  return streamsBodies() ? stream : new Response(stream).arrayBuffer();
}

/**
 * The pieces as a stream fetch pulls. Each piece is copied: its buffer is reused two pieces
 * later (chunk-pipeline.ts), and fetch does not say when it has left.
 */
function streamOf(body: StreamedBody): ReadableStream<Uint8Array> {
  const pieces = body.pieces()[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value.slice());
    },
    async cancel() {
      await pieces.return?.();
    },
  });
}

let streaming: boolean | undefined;

/**
 * Whether this runtime's fetch streams a request body over HTTP/1.1: it is not a browser
 * (a browser streams them only over HTTP/2), and a `Request` takes a stream as a body rather
 * than as text (`[object ReadableStream]`, `text/plain`). Node needs `duplex: 'half'`;
 * workerd streams without reading it.
 */
export function streamsBodies(): boolean {
  try {
    streaming ??=
      !String((globalThis as { navigator?: Navigator }).navigator?.userAgent).startsWith(
        'Mozilla/',
      ) &&
      !new Request('http://s/', {
        method: 'POST',
        body: new ReadableStream(),
        duplex: 'half',
      } as RequestInit).headers.has('Content-Type');
  } catch {
    streaming = false;
  }
  return streaming;
}

/** The response body as text, at most `max` bytes of it; the rest is not read. */
async function readBody(response: Response, max: number, alive: () => void): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const pieces: Uint8Array[] = [];
  let kept = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      alive();
      const part = value.subarray(0, max - kept);
      pieces.push(part);
      kept += part.byteLength;
      if (kept >= max) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  const all = new Uint8Array(kept);
  let at = 0;
  for (const piece of pieces) {
    all.set(piece, at);
    at += piece.byteLength;
  }
  return new TextDecoder().decode(all);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    // Node's fetch says only "fetch failed" and keeps the reason (ECONNREFUSED...) in `cause`.
    if (cause instanceof Error && cause.message !== '' && !error.message.includes(cause.message)) {
      return `${error.message}: ${messageWithCode(cause)}`;
    }
    return error.message;
  }
  return String(error);
}
