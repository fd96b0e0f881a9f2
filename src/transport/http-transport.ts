/**
 * The transport layer's contract: one HTTP request in, status + headers + body out.
 * Implementations: `node-transport.node.ts` (node:http/https, keep-alive) and
 * `fetch-transport.ts` (`fetch`: the browser's, platform-free).
 *
 * Failures are thrown as `TusNetworkError` (connection refused/reset...),
 * `TusTimeoutError` (`timeout` exceeded), `TusStallError` (no progress for
 * `stallTimeout`). When `signal` aborts, the promise rejects with `signal.reason`.
 * Also here: the default and the error wording both implementations share.
 */

export interface HttpRequest {
  method: string;
  url: string;
  /** Request headers; the transport adds `Content-Length` for a body. */
  headers: Record<string, string>;
  /** The request body (a chunk), sent as is. */
  body?: Uint8Array | undefined;
  signal?: AbortSignal | undefined;
  /** Milliseconds for the whole request, from start to the end of the response. */
  timeout: number;
  /** Milliseconds without any byte moving (either way) before the request is abandoned. */
  stallTimeout?: number | undefined;
  /** Called as the body goes out, with the bytes of the body sent so far. */
  onUploadProgress?: ((bytesSent: number) => void) | undefined;
  /**
   * Bytes of response body to keep at most; the rest is read and dropped.
   * @default 65536 (`DEFAULT_MAX_RESPONSE_BODY`)
   */
  maxResponseBody?: number | undefined;
}

export interface HttpResponse {
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  /** The response body as text, truncated to `maxResponseBody`. */
  body: string;
}

export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Releases sockets. */
  close(): Promise<void>;
}

/** `HttpRequest.maxResponseBody` when not given, in both transports. */
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

export interface TransportOptions {
  /** Verify TLS certificates. @default true */
  verifyTlsCert: boolean;
}
