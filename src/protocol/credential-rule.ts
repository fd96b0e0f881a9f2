/**
 * The credential rule, one for the client (`CredentialPolicy`) and the tus-js-client face
 * (`CredentialScope`): the credential headers go only to the origin they were given for and
 * to those `sendCredentialsTo` adds. Pure.
 */
import type { CredentialOrigins } from '../types.js';

/** Headers that are credentials whatever `sensitiveHeaders` says (lower-case). */
export const CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'proxy-authorization',
];

/** The origin of `url`, or `'null'` when it is not a URL (an origin nothing trusts). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

/**
 * The origins trusted with credentials given for `base` (`null`: for no URL), under
 * `sendCredentialsTo`; `undefined` means every origin (`'any-origin'`).
 */
export function trustedOrigins(
  base: string | null,
  to: CredentialOrigins,
): ReadonlySet<string> | undefined {
  if (to === 'any-origin') return undefined;
  return new Set([
    ...(base === null ? [] : [originOf(base)]),
    ...(to === 'endpoint-origin' ? [] : to),
  ]);
}

/** The lower-case names of the headers the rule withholds: the credentials and `extra`. */
export function sensitiveNames(extra: readonly string[]): ReadonlySet<string> {
  return new Set([...CREDENTIAL_HEADERS, ...extra.map((name) => name.toLowerCase())]);
}

/** Whether a request to `url` may carry credentials. */
export function mayCarryCredentials(
  url: string,
  trusted: ReadonlySet<string> | undefined,
): boolean {
  if (trusted === undefined) return true;
  const origin = originOf(url);
  return origin !== 'null' && trusted.has(origin);
}
