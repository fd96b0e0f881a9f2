/** One tus request: common headers, the hooks, the transport; and retries for small ones. */
import { type TusError, TusProtocolError } from '../errors/index.js';
import type { ResolvedClientOptions } from '../options.js';
import { TUS_VERSION } from '../protocol/constants.js';
import { displayUrl } from '../protocol/location.js';
import type { HttpResponse, HttpTransport } from '../transport/http-transport.js';
import { abortError, errorFromResponse, redactHeaders, uploadFailed } from './response-errors.js';
import { isRetryable, retryAfterOf, retryDelayFor, sleep } from './retry-policy.js';

export interface SendInit {
  headers?: Record<string, string> | undefined;
  body?: Uint8Array | undefined;
  signal?: AbortSignal | undefined;
}

export class Requester {
  readonly transport: HttpTransport;
  readonly options: ResolvedClientOptions;

  constructor(transport: HttpTransport, options: ResolvedClientOptions) {
    this.transport = transport;
    this.options = options;
  }

  /** Sends one request with `Tus-Resumable`, the client's headers and the hooks. */
  async send(method: string, url: string, init: SendInit = {}): Promise<HttpResponse> {
    const o = this.options;
    const headers: Record<string, string> = { ...o.headers, 'Tus-Resumable': TUS_VERSION };
    if (init.headers !== undefined) Object.assign(headers, init.headers);
    if (o.beforeRequest !== undefined) await o.beforeRequest(method, url, headers);
    const response = await this.transport.request({
      method,
      url,
      headers,
      body: init.body,
      signal: init.signal,
      timeout: o.timeout,
      stallTimeout: o.stallTimeout,
    });
    if (o.afterResponse !== undefined) {
      await o.afterResponse(method, url, response.status, {
        headers: response.headers,
        body: response.body,
        requestHeaders: headers,
      });
    }
    checkVersion(method, url, response);
    return response;
  }

  /**
   * A request that is not an upload (OPTIONS, HEAD, DELETE), retried like a chunk with
   * the client's `maxRetries`. A status outside `expected` is a typed error.
   */
  async sendExpecting(
    method: string,
    url: string,
    expected: readonly number[],
    init: SendInit = {},
  ): Promise<HttpResponse> {
    const { maxRetries, retryDelay, onShouldRetry } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await this.send(method, url, init);
        if (!expected.includes(response.status)) throw errorFromResponse(method, url, response);
        return response;
      } catch (error) {
        if (init.signal?.aborted) {
          throw abortError(
            init.signal.reason,
            0,
            undefined,
            undefined,
            `${method} ${displayUrl(url)}`,
          );
        }
        if (!isRetryable(error) || error.status === 409) throw error;
        // Not an upload: once the retries are used up, the last error itself is thrown.
        if (attempt > maxRetries) throw error;
        if (onShouldRetry !== undefined && !(await onShouldRetry(error, attempt))) {
          throw uploadFailed(
            error as TusError,
            'retry refused by onShouldRetry',
            undefined,
            undefined,
          );
        }
        try {
          await sleep(retryDelayFor(attempt, retryDelay, retryAfterOf(error)), init.signal);
        } catch (reason) {
          throw abortError(reason, 0, undefined, undefined, `${method} ${displayUrl(url)}`);
        }
      }
    }
  }
}

/**
 * A success answered in another tus version is not a success: its headers mean other things.
 * (OPTIONS may name any version; error answers may come from a proxy without tus headers.)
 */
function checkVersion(method: string, url: string, response: HttpResponse): void {
  const version = response.headers['tus-resumable']?.trim();
  if (method === 'OPTIONS' || response.status < 200 || response.status >= 300) return;
  if (version === undefined || version === TUS_VERSION) return;
  const shown = displayUrl(url);
  throw new TusProtocolError(
    `${method} ${shown}: the server speaks tus ${JSON.stringify(version).slice(1, -1)}, this client ${TUS_VERSION} only`,
    {
      method,
      url: shown,
      status: response.status,
      responseHeaders: redactHeaders(response.headers),
    },
  );
}
