/**
 * `RequestTrail`: one run of an `Upload` as tus-js-client's callbacks see it. It gives
 * `TusClient` the hooks that show each request to `onBeforeRequest`/`onAfterResponse` as
 * `HttpStack`-shaped objects, and decide and wait for retries by
 * `onShouldRetry` and `retryDelays`; and it turns our errors into `DetailedError`s.
 */

import { sleep } from '../abort.js';
import { TusError } from '../errors/index.js';
import type { RequestSettings, ResponseDetails } from '../types.js';
import type { CredentialScope } from './credential-scope.js';
import { DetailedError } from './detailed-error.js';
import { CompatRequest, CompatResponse } from './http-objects.js';
import { type ClientHooks, defaultOnShouldRetry } from './options.js';
import type { UploadOptions } from './types.js';

/** What failed, by method: `[while …ing, to …]`, as tus-js-client words it. */
const ACTIONS: Record<string, readonly [string, string]> = {
  POST: ['creating upload', 'create upload'],
  HEAD: ['resuming upload', 'resume upload'],
  PATCH: ['uploading chunk', 'upload chunk'],
  DELETE: ['terminating upload', 'terminate upload'],
  OPTIONS: ['asking the server for its extensions', 'ask the server for its extensions'],
};

/** Requests kept to pair an error with its request (the last few suffice). */
const KEPT = 8;

export class RequestTrail {
  /** The last response that arrived (`onSuccess`'s `lastResponse`). */
  lastResponse: CompatResponse | undefined;
  readonly #options: UploadOptions;
  readonly #signal: AbortSignal;
  readonly #abort: () => void;
  readonly #scope: CredentialScope;
  readonly #byHeaders = new WeakMap<object, CompatRequest>();
  #recent: CompatRequest[] = [];

  /**
   * `abort` is what `req.abort()` does: abort the upload. `scope` takes the credentials
   * off each request to an origin that may not have them, after `onBeforeRequest`.
   */
  constructor(
    options: UploadOptions,
    signal: AbortSignal,
    abort: () => void,
    scope: CredentialScope,
  ) {
    this.#options = options;
    this.#signal = signal;
    this.#abort = abort;
    this.#scope = scope;
  }

  hooks(): ClientHooks {
    return {
      beforeRequest: (method, url, headers, settings) =>
        this.#before(method, url, headers, settings),
      afterResponse: (method, url, status, response) => this.#after(method, url, status, response),
      onShouldRetry: (error, attempt) => this.#shouldRetry(error, attempt),
    };
  }

  async #before(
    method: string,
    url: string,
    headers: Record<string, string>,
    settings: RequestSettings,
  ): Promise<void> {
    const req = new CompatRequest(method, url, headers, this.#abort);
    this.#byHeaders.set(headers, req);
    this.#recent = [...this.#recent.slice(1 - KEPT), req];
    const underlying = req.getUnderlyingObject();
    underlying.withCredentials = settings.credentials === 'include';
    await this.#options.onBeforeRequest?.(req);
    this.#scope.strip(url, headers);
    // What the code set on the "XHR" (Uppy: its withCredentials option) is what is sent.
    settings.credentials = underlying.withCredentials === true ? 'include' : 'same-origin';
  }

  async #after(
    method: string,
    url: string,
    status: number,
    response: ResponseDetails,
  ): Promise<void> {
    const req =
      this.#byHeaders.get(response.requestHeaders) ??
      new CompatRequest(method, url, { ...response.requestHeaders });
    const underlying = req.getUnderlyingObject();
    underlying.settle(status, response.headers, response.body);
    const res = new CompatResponse(status, response.headers, response.body, underlying);
    this.lastResponse = res;
    await this.#options.onAfterResponse?.(req, res);
  }

  /** Asked by `TusClient` before each retry (`attempt` from 1): decide, then wait the delay. */
  async #shouldRetry(error: TusError, attempt: number): Promise<boolean> {
    const delays = this.#options.retryDelays ?? [];
    const decide = this.#options.onShouldRetry ?? defaultOnShouldRetry;
    if (!decide(this.toDetailedError(error), attempt - 1, this.#options)) return false;
    await sleep(Number(delays[attempt - 1] ?? delays.at(-1) ?? 0), this.#signal);
    return true;
  }

  /** `error` as tus-js-client would have reported it. */
  toDetailedError(error: unknown): DetailedError {
    if (error instanceof DetailedError) return error;
    const cause = error instanceof Error ? error : new Error(String(error));
    const method = error instanceof TusError ? error.method : undefined;
    if (!(error instanceof TusError) || method === undefined) {
      const detailed = new DetailedError(
        cause.message.startsWith('tus: ') ? cause.message : `tus: ${cause.message}`,
      );
      detailed.causingError = cause;
      return detailed;
    }
    const req =
      this.#recent.findLast((r) => r.getMethod() === method || isOverridden(r, method)) ??
      new CompatRequest(method, error.url ?? '', {});
    const [during, toDo] = ACTIONS[method] ?? ['sending a request', 'send a request'];
    const status = error.status;
    if (status === undefined) {
      req.getUnderlyingObject().settle(0, {}, '');
      return new DetailedError(`tus: failed to ${toDo}`, cause, req, null);
    }
    const headers = error.responseHeaders ?? {};
    const body = error.responseBody ?? '';
    const underlying = req.getUnderlyingObject();
    if (underlying.readyState !== 4) underlying.settle(status, headers, body);
    const res = new CompatResponse(status, headers, body, underlying);
    return new DetailedError(`tus: unexpected response while ${during}`, cause, req, res);
  }
}

/** Whether `req` is a POST that carried `method` (`overridePatchMethod`). */
function isOverridden(req: CompatRequest, method: string): boolean {
  return req.getMethod() === 'POST' && req.getHeader('X-HTTP-Method-Override') === method;
}
