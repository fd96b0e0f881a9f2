/**
 * `DetailedError`: tus-js-client's error, with the request and response behind it. Ours
 * carries the `TusError` it was made from as `causingError` (and `cause`), with its `code`.
 *
 * No secret shows in it (docs/security.md): its message (and so `String()` and `stack`) has
 * user names, passwords and signing or token parameters of URLs redacted, as our errors do;
 * `originalRequest` and `originalResponse` stay whole for code (`getURL()` is the URL the
 * request went to) but print redacted (see http-objects.ts).
 */
import { redactText } from '../errors/redact.js';
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
    super(redactText(message), causingError === null ? undefined : { cause: causingError });
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
    // As tus-js-client: the stack names the first message, `message` has the whole tail.
    this.message = redactText(text);
    Object.defineProperty(this, 'name', { value: 'DetailedError', enumerable: false });
  }
}
