/**
 * The core's credential rule (src/upload/credential-policy.ts) for every request of the
 * tus-js-client face, whatever URL it goes to and whichever `TusClient` sends it: the
 * credential headers (`Authorization`, `Cookie`, `Proxy-Authorization` and the
 * `sensitiveHeaders`), from `headers` or set in `onBeforeRequest`, go only to the origin
 * they were given for, and to those `sendCredentialsTo` lists. They are given for the
 * `endpoint`; without one, for the `uploadUrl` option (or the URL handed to
 * `Upload.terminate`); an upload URL that came from URL storage or a server's `Location`
 * and is on another origin gets none.
 */
import { checkCredentialOrigins, checkHeaderNames } from '../option-checks.js';
import {
  mayCarryCredentials,
  sensitiveNames,
  trustedOrigins,
} from '../protocol/credential-rule.js';
import type { UploadOptions } from './types.js';

export class CredentialScope {
  /** Origins that receive credentials; `undefined` = every origin. */
  readonly #trusted: ReadonlySet<string> | undefined;
  readonly #sensitive: ReadonlySet<string>;

  /**
   * `base`: the URL the headers were given for, `null` when there is none. Option values
   * the core would refuse count as their defaults here: the client built from the same
   * options refuses them before any request.
   */
  constructor(
    base: string | null,
    options: Pick<UploadOptions, 'sendCredentialsTo' | 'sensitiveHeaders'>,
  ) {
    const to = orDefault(() => checkCredentialOrigins(options.sendCredentialsTo), undefined);
    const extra = orDefault(() => checkHeaderNames('', options.sensitiveHeaders), []);
    this.#trusted = trustedOrigins(base, to ?? 'endpoint-origin');
    this.#sensitive = sensitiveNames(extra);
  }

  /** Removes the credentials from `headers` (in place) when `url` may not have them. */
  strip(url: string, headers: Record<string, string>): void {
    if (mayCarryCredentials(url, this.#trusted)) return;
    for (const name of Object.keys(headers)) {
      if (this.#sensitive.has(name.toLowerCase())) delete headers[name];
    }
  }
}

/**
 * The URL `options.headers` were given for: the endpoint, else `fallback` (the `uploadUrl`
 * option, or the URL given to `Upload.terminate`), else `null`.
 */
export function credentialBase(
  options: Pick<UploadOptions, 'endpoint'>,
  fallback: string | null | undefined,
): string | null {
  const endpoint = options.endpoint;
  if (typeof endpoint === 'string' && endpoint !== '') return endpoint;
  return typeof fallback === 'string' && fallback !== '' ? fallback : null;
}

function orDefault<T>(check: () => T, fallback: T): T {
  try {
    return check();
  } catch {
    return fallback;
  }
}
