/**
 * The request and response objects that `onBeforeRequest`, `onAfterResponse`, `onSuccess`
 * and `DetailedError` hand out, shaped like tus-js-client's `HttpStack` objects. Our
 * transport sends the request; these are views of it.
 */
import { redactHeaders, redactText } from '../errors/redact.js';
import type { HttpRequest, HttpResponse, HttpStack } from './http-types.js';

/** Node's `util.inspect` hook (a registered symbol: no `node:` import here). */
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * What `getUnderlyingObject()` returns: an `XMLHttpRequest`-like record of one request,
 * with the fields code written for tus-js-client reads (`readyState`, `status`,
 * `responseText`, `getResponseHeader`) and writes (`withCredentials`). `readyState` is 4
 * once the request ended; `status` stays 0 when no response came (a network error, as
 * `XMLHttpRequest` says it).
 */
export class UnderlyingRequest {
  /**
   * Set by code such as Uppy's in `onBeforeRequest`: `true` sends this request with
   * `credentials: 'include'` (cookies to another origin, in browsers).
   */
  withCredentials = false;
  readyState = 1;
  status = 0;
  responseText = '';
  readonly responseURL: string;
  #headers: Readonly<Record<string, string>> = {};

  constructor(url: string) {
    this.responseURL = url;
  }

  get response(): string {
    return this.responseText;
  }

  getResponseHeader(name: string): string | null {
    return this.#headers[name.toLowerCase()] ?? null;
  }

  getAllResponseHeaders(): string {
    return Object.entries(this.#headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
  }

  /** Records how the request ended (called by the adapter). */
  settle(status: number, headers: Readonly<Record<string, string>>, body: string): void {
    this.readyState = 4;
    this.status = status;
    this.#headers = headers;
    this.responseText = body;
  }

  /** What `JSON.stringify` and `util.inspect` show: the fields, with secrets redacted. */
  toJSON(): Record<string, unknown> {
    return {
      readyState: this.readyState,
      status: this.status,
      responseURL: redactText(this.responseURL),
      responseText: redactText(this.responseText),
      responseHeaders: redactHeaders(this.#headers),
      withCredentials: this.withCredentials,
    };
  }

  [INSPECT](): Record<string, unknown> {
    return this.toJSON();
  }
}

/**
 * A request on its way: `setHeader` changes the headers that will be sent (the live object
 * our `beforeRequest` hook is given). `send` is refused: our transport sends it.
 */
export class CompatRequest implements HttpRequest {
  readonly #method: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #underlying: UnderlyingRequest;
  readonly #abort: () => void;

  constructor(
    method: string,
    url: string,
    headers: Record<string, string>,
    abort: () => void = () => {},
  ) {
    this.#method = method;
    this.#url = url;
    this.#headers = headers;
    this.#underlying = new UnderlyingRequest(url);
    this.#abort = abort;
  }

  getMethod(): string {
    return this.#method;
  }

  getURL(): string {
    return this.#url;
  }

  setHeader(header: string, value: string): void {
    const existing = findKey(this.#headers, header);
    if (existing !== undefined && existing !== header) delete this.#headers[existing];
    this.#headers[header] = String(value);
  }

  getHeader(header: string): string | undefined {
    const key = findKey(this.#headers, header);
    return key === undefined ? undefined : this.#headers[key];
  }

  /** Kept for the shape; progress reaches `onProgress`. */
  setProgressHandler(_handler: (bytesSent: number) => void): void {}

  send(): Promise<HttpResponse> {
    return Promise.reject(
      new Error('tus: resumable-upload sends its requests itself; a request cannot be sent twice'),
    );
  }

  /** Aborts the upload this request belongs to (as `Upload.abort()` would). */
  abort(): Promise<void> {
    this.#abort();
    return Promise.resolve();
  }

  getUnderlyingObject(): UnderlyingRequest {
    return this.#underlying;
  }

  /** What `JSON.stringify` and `util.inspect` show: method, URL, headers, secrets redacted. */
  toJSON(): Record<string, unknown> {
    return {
      method: this.#method,
      url: redactText(this.#url),
      headers: redactHeaders(this.#headers),
    };
  }

  [INSPECT](): Record<string, unknown> {
    return this.toJSON();
  }
}

/** A response: its status, headers (any case) and body text. */
export class CompatResponse implements HttpResponse {
  readonly #status: number;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #body: string;
  readonly #underlying: UnderlyingRequest;

  constructor(
    status: number,
    headers: Readonly<Record<string, string>>,
    body: string,
    underlying: UnderlyingRequest,
  ) {
    this.#status = status;
    this.#headers = headers;
    this.#body = body;
    this.#underlying = underlying;
  }

  getStatus(): number {
    return this.#status;
  }

  getHeader(header: string): string | undefined {
    const key = findKey(this.#headers, header);
    return key === undefined ? undefined : this.#headers[key];
  }

  getBody(): string {
    return this.#body;
  }

  getUnderlyingObject(): UnderlyingRequest {
    return this.#underlying;
  }

  /** What `JSON.stringify` and `util.inspect` show: status, headers, body, secrets redacted. */
  toJSON(): Record<string, unknown> {
    return {
      status: this.#status,
      headers: redactHeaders(this.#headers),
      body: redactText(this.#body),
    };
  }

  [INSPECT](): Record<string, unknown> {
    return this.toJSON();
  }
}

/**
 * `defaultOptions.httpStack`. It exists so that code spreading `defaultOptions` keeps
 * working; our transport sends every request, so another `httpStack` is refused and this
 * one's requests cannot be sent.
 */
export class DefaultHttpStack implements HttpStack {
  // biome-ignore lint/complexity/noUselessConstructor: tus-js-client's takes options; so does this one's type.
  constructor(_options: unknown = {}) {}

  createRequest(method: string, url: string): HttpRequest {
    return new CompatRequest(method, url, {});
  }

  getName(): string {
    return 'ResumableUploadHttpStack';
  }
}

function findKey(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  if (Object.hasOwn(headers, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(headers).find((key) => key.toLowerCase() === lower);
}
