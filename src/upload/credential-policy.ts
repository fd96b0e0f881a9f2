/**
 * Where a request may go and what it may carry (issue 16), checked for every request the
 * client makes, whatever URL it came from (the endpoint, a server's `Location`, URL
 * storage, the caller):
 * - a client whose endpoint is `https:` sends nothing to an `http:` URL (a downgrade
 *   would put the file and the credentials on the wire in plain text);
 * - `Authorization`, `Cookie`, `Proxy-Authorization` and the `sensitiveHeaders` go only to
 *   the endpoint's origin (and the origins `sendCredentialsTo` lists), unless it says
 *   `'any-origin'`: a server can hand out upload URLs on any host it likes;
 * - a redirect answer is a `TusRedirectError`, never followed.
 */
import { TusRedirectError, TusUnsafeUrlError } from '../errors/index.js';
import type { ResolvedClientOptions } from '../options.js';
import { describeStatus } from '../protocol/constants.js';
import {
  mayCarryCredentials,
  sensitiveNames,
  trustedOrigins,
} from '../protocol/credential-rule.js';
import { displayUrl } from '../protocol/location.js';
import type { HttpResponse } from '../transport/http-transport.js';

/** Statuses that redirect a request elsewhere. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class CredentialPolicy {
  readonly #endpoint: URL;
  /** Origins that receive credentials; `undefined` = every origin. */
  readonly #trusted: ReadonlySet<string> | undefined;
  readonly #sensitive: ReadonlySet<string>;

  constructor(
    endpoint: string,
    options: Pick<ResolvedClientOptions, 'sendCredentialsTo' | 'sensitiveHeaders'>,
  ) {
    this.#endpoint = new URL(endpoint);
    this.#trusted = trustedOrigins(endpoint, options.sendCredentialsTo);
    this.#sensitive = sensitiveNames(options.sensitiveHeaders);
  }

  /** Throws a `TusUnsafeUrlError` when a request to `url` would downgrade https to http. */
  checkTarget(method: string, url: string): void {
    if (this.#endpoint.protocol !== 'https:' || protocolOf(url) !== 'http:') return;
    const shown = displayUrl(url);
    throw new TusUnsafeUrlError(
      `${method} ${shown}: refused, an http: URL for a client of the https: endpoint ${displayUrl(this.#endpoint.href)} (the upload and its credentials would travel in plain text)`,
      'downgrade',
      { method, url: shown },
    );
  }

  /** `headers`, less the credentials when `url` is on an origin that may not have them. */
  headersFor(url: string, headers: Record<string, string>): Record<string, string> {
    if (mayCarryCredentials(url, this.#trusted)) return headers;
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!this.#sensitive.has(name.toLowerCase())) kept[name] = value;
    }
    return kept;
  }

  /** Throws a `TusRedirectError` when `response` redirects the request. */
  checkResponse(method: string, url: string, response: HttpResponse): void {
    if (!REDIRECT_STATUSES.has(response.status)) return;
    const shown = displayUrl(url);
    const location = response.headers.location;
    const where = location === undefined ? '' : ` to ${displayUrl(location)}`;
    throw new TusRedirectError(
      `${method} ${shown}: ${describeStatus(response.status)}${where}; redirects are not followed (the request would carry the upload elsewhere): give the client the final URL`,
      { method, url: shown, status: response.status, responseHeaders: response.headers, location },
    );
  }
}

function protocolOf(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}
