/**
 * One request: common headers (and an `X-Request-ID` with `addRequestId`), the hooks, the
 * transport; and retries for small ones.
 */

import { sleep } from '../abort.js';
import type { TusError } from '../errors/index.js';
import type { ResolvedClientOptions } from '../options.js';
import { displayUrl } from '../protocol/location.js';
import type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
  RequestBody,
} from '../transport/http-transport.js';
import type { RequestSettings } from '../types.js';
import { CredentialPolicy } from './credential-policy.js';
import type { ProtocolRequester, UploadProtocol } from './protocols/upload-protocol.js';
import { requestId } from './request-id.js';
import { abortError, errorFromResponse, uploadFailed } from './response-errors.js';
import { isRetryable, retryAfterOf, retryDelayFor } from './retry-policy.js';

export interface SendInit {
  headers?: Record<string, string> | undefined;
  body?: RequestBody | undefined;
  signal?: AbortSignal | undefined;
  onUploadProgress?: ((bytesSent: number) => void) | undefined;
  onInterimResponse?: HttpRequest['onInterimResponse'];
}

export class Requester implements ProtocolRequester {
  readonly transport: HttpTransport;
  readonly options: ResolvedClientOptions;
  readonly protocol: UploadProtocol;
  /** Where requests may go and which carry credentials (credential-policy.ts). */
  readonly policy: CredentialPolicy;

  constructor(
    transport: HttpTransport,
    options: ResolvedClientOptions,
    protocol: UploadProtocol,
    endpoint: string,
  ) {
    this.transport = transport;
    this.options = options;
    this.protocol = protocol;
    this.policy = new CredentialPolicy(endpoint, options);
  }

  /** Sends one request with the protocol's headers, the client's headers and the hooks. */
  async send(method: string, url: string, init: SendInit = {}): Promise<HttpResponse> {
    const o = this.options;
    this.policy.checkTarget(method, url);
    const headers: Record<string, string> = { ...o.headers, ...this.protocol.headers };
    if (init.headers !== undefined) Object.assign(headers, init.headers);
    if (o.addRequestId) headers['X-Request-ID'] = requestId();
    const settings: RequestSettings = { credentials: o.credentials };
    if (o.beforeRequest !== undefined) await o.beforeRequest(method, url, headers, settings);
    const response = await this.transport.request({
      method,
      url,
      headers: this.policy.headersFor(url, headers),
      credentials: settings.credentials === 'include' ? 'include' : 'same-origin',
      body: init.body,
      signal: init.signal,
      timeout: o.timeout,
      requestTimeout: o.requestTimeout,
      onUploadProgress: init.onUploadProgress,
      onInterimResponse: init.onInterimResponse,
    });
    if (o.afterResponse !== undefined) {
      await o.afterResponse(method, url, response.status, {
        headers: response.headers,
        body: response.body,
        requestHeaders: headers,
      });
    }
    this.policy.checkResponse(method, url, response);
    this.protocol.checkAnswer(method, url, response);
    return response;
  }

  /**
   * A request that is not an upload (OPTIONS, HEAD, DELETE), retried like a chunk with
   * the client's `maxRetries`. A status outside `expected` is a typed error.
   */
  sendExpecting(
    method: string,
    url: string,
    expected: readonly number[],
    init: SendInit = {},
  ): Promise<HttpResponse> {
    return this.retrying(method, url, init.signal, async () => {
      const response = await this.send(method, url, init);
      if (!expected.includes(response.status)) throw errorFromResponse(method, url, response);
      return response;
    });
  }

  /**
   * Runs `operation` (one request that is not an upload, e.g. a protocol's offset
   * retrieval), retrying what the policy allows up to the client's `maxRetries`; once they
   * are used up, the last error itself is thrown. 409 is never retried here.
   */
  async retrying<T>(
    method: string,
    url: string,
    signal: AbortSignal | undefined,
    operation: () => Promise<T>,
  ): Promise<T> {
    const { maxRetries, retryDelay, onShouldRetry } = this.options;
    const what = () => `${method} ${displayUrl(url)}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (signal?.aborted) throw abortError(signal.reason, 0, undefined, undefined, what());
        if (!isRetryable(error) || error.status === 409) throw error;
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
          await sleep(retryDelayFor(attempt, retryDelay, retryAfterOf(error)), signal);
        } catch (reason) {
          throw abortError(reason, 0, undefined, undefined, what());
        }
      }
    }
  }
}
