/**
 * `DetailedError`: tus-js-client's error, with the request and response behind it. Ours
 * carries the `TusError` it was made from as `causingError` (and `cause`), with its `code`.
 */
import type { HttpRequest, HttpResponse } from './http-types.js';

export class DetailedError extends Error {
  /** The request that failed (`null` when the failure was not a request's). */
  originalRequest: HttpRequest | null;
  /** Its response, `null` when none arrived (a network failure, a timeout). */
  originalResponse: HttpResponse | null;
  /** The error behind this one (ours: a `TusError` with a stable `code`). */
  causingError: Error | null;

  constructor(
    message: string,
    causingError: Error | null = null,
    req: HttpRequest | null = null,
    res: HttpResponse | null = null,
  ) {
    super(message, causingError === null ? undefined : { cause: causingError });
    this.originalRequest = req;
    this.originalResponse = res;
    this.causingError = causingError;
    let text = message;
    if (causingError !== null) text += `, caused by ${String(causingError)}`;
    if (req !== null) {
      const requestId = req.getHeader('X-Request-ID') ?? 'n/a';
      const status = res === null ? 'n/a' : res.getStatus();
      const body = res === null ? 'n/a' : res.getBody();
      text += `, originated from request (method: ${req.getMethod()}, url: ${req.getURL()}, response code: ${status}, response text: ${body}, request id: ${requestId})`;
    }
    this.message = text;
    Object.defineProperty(this, 'name', { value: 'DetailedError', enumerable: false });
  }
}
