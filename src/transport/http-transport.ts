/**
 * The transport layer's contract: one HTTP request in, status + headers + body out.
 * Implementations: `node-transport.node.ts` (node:http/https, keep-alive),
 * `xhr-transport.browser.ts` (XMLHttpRequest: upload progress, Blob bodies) and
 * `fetch-transport.ts` (`fetch`, platform-free).
 *
 * Failures are thrown as `TusNetworkError` (connection refused/reset...),
 * `TusStallError` (no byte moved either way for `timeout` ms while the request or its
 * answer was under way), `TusTimeoutError` (no answer `timeout` ms after the request was
 * sent, or the whole request took longer than `requestTimeout`). When `signal` aborts, the
 * promise rejects with `signal.reason`. Transports never follow redirects silently.
 * Also here: the default and the error wording every implementation shares.
 */

/**
 * A body too large to hold in memory at once: its pieces are produced (read from a file)
 * while it is sent. `pieces()` may be called again for another attempt.
 */
export interface StreamedBody {
  /** Total bytes; the pieces add up to exactly this. */
  readonly length: number;
  pieces(): AsyncIterable<Uint8Array>;
}

/** What a request can carry: bytes, a `Blob` (sent without copying it into JS memory), or pieces. */
export type RequestBody = Uint8Array | Blob | StreamedBody;

export interface HttpRequest {
  method: string;
  url: string;
  /** Request headers; the transport adds `Content-Length` for a body. */
  headers: Record<string, string>;
  /** The request body, sent as is. */
  body?: RequestBody | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Inactivity limit in ms: the request fails when no byte moves either way for this long
   * (connecting, sending, waiting for the answer, reading it). `Infinity` = none.
   */
  timeout: number;
  /** Opt-in cap on the whole request in ms, from start to the end of the answer. @default Infinity */
  requestTimeout?: number | undefined;
  /** Called as the body goes out, with the bytes of the body sent so far. */
  onUploadProgress?: ((bytesSent: number) => void) | undefined;
  /**
   * Called with each interim (1xx) answer before the final one, where the platform shows
   * them (`HttpTransport.showsInterimResponses`); header names lower case.
   */
  onInterimResponse?: ((status: number, headers: Record<string, string>) => void) | undefined;
  /**
   * Bytes of response body to keep at most; the rest is read and dropped.
   * @default 65536 (`DEFAULT_MAX_RESPONSE_BODY`)
   */
  maxResponseBody?: number | undefined;
  /**
   * Browsers: `'include'` sends cookies to another origin (XHR `withCredentials`, fetch
   * `credentials: 'include'`). Ignored in Node (no cookie store). @default 'same-origin'
   */
  credentials?: 'same-origin' | 'include' | undefined;
}

export interface HttpResponse {
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  /** The response body as text, truncated to `maxResponseBody`. */
  body: string;
  /**
   * Ms this request spent opening its connection (DNS, TCP, TLS) before sending; `0` on a
   * reused keep-alive connection; `undefined` where the platform does not tell (browsers).
   * Timing a round trip means leaving it out.
   */
  connectMs?: number | undefined;
}

export interface HttpTransport {
  /** Whether `onInterimResponse` is called (node:http: yes; `fetch`, XHR: never). */
  readonly showsInterimResponses?: boolean | undefined;
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Releases sockets. */
  close(): Promise<void>;
}

/** `HttpRequest.maxResponseBody` when not given, in every transport. */
export const DEFAULT_MAX_RESPONSE_BODY = 65_536;

/** An error's message, led by its system code (`ECONNREFUSED ...`) when the message lacks it. */
export function messageWithCode(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code} ${error.message}`
      : error.message;
  }
  return String(error);
}

/** The byte length of a body (`0` for none). */
export function bodyLength(body: RequestBody | undefined): number {
  if (body === undefined) return 0;
  if (body instanceof Uint8Array) return body.byteLength;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.size;
  return (body as StreamedBody).length;
}

/** Whether `body` is a `StreamedBody` (not bytes, not a Blob). */
export function isStreamedBody(body: RequestBody | undefined): body is StreamedBody {
  return (
    body !== undefined &&
    !(body instanceof Uint8Array) &&
    typeof (body as StreamedBody).pieces === 'function'
  );
}

export interface TransportOptions {
  /** Verify TLS certificates. @default true */
  verifyTlsCert: boolean;
  /** Bytes per second that all request bodies of this transport share at most. @default Infinity */
  maxBytesPerSecond?: number | undefined;
  /** Node: an HTTP proxy URL every request goes through (see `TusClientOptions.proxy`). */
  proxy?: string | undefined;
  /** Node: the caller's agents, used instead of the transport's own. */
  agents?: { readonly http?: object | undefined; readonly https?: object | undefined } | undefined;
  /**
   * Node: the bound of the whole `CONNECT` exchange with a proxy, in ms: a deadline, not an
   * idle time (an answer trickled a byte at a time does not extend it). @default Infinity
   */
  proxyConnectTimeout?: number | undefined;
  /** Node: TLS material for `https:` servers (and an `https:` proxy). */
  tls?: TlsSettings | undefined;
}

/** Custom CA certificates and a client certificate (mutual TLS), as node:tls takes them. */
export interface TlsSettings {
  ca?: string | Uint8Array | readonly (string | Uint8Array)[] | undefined;
  cert?: string | Uint8Array | undefined;
  key?: string | Uint8Array | undefined;
}

/**
 * A `RangeError` for the options only Node's transport can honour, when a browser
 * transport is given them: `what` names the transport.
 */
export function refuseNodeOnlyOptions(options: TransportOptions, what: string): void {
  const given = [
    options.proxy === undefined ? undefined : 'proxy',
    options.agents === undefined ? undefined : 'agents',
    options.tls?.ca === undefined ? undefined : 'ca',
    options.tls?.cert === undefined ? undefined : 'cert',
    options.tls?.key === undefined ? undefined : 'key',
  ].filter((name) => name !== undefined);
  if (given.length > 0) {
    throw new RangeError(
      `${given.join(', ')}: not available with ${what}; a browser uses its own proxy settings and certificate store (and asks the user for a client certificate)`,
    );
  }
}
