/** Resolving the `Location` of a creation response against the request URL. */
import { type TusErrorDetails, TusProtocolError, TusUnsafeUrlError } from '../errors/index.js';
import { redactUrl } from '../errors/redact.js';

/**
 * `location` resolved against `requestUrl`: relative paths are allowed, the result must be
 * an `http:` or `https:` URL. Anything else is a `TusProtocolError`. An `http:` Location
 * answered to an `https:` request (a downgrade), or one with a user name or password of
 * its own, is a `TusUnsafeUrlError`: no byte is sent to it.
 */
export function resolveLocation(
  location: string | undefined,
  requestUrl: string,
  details: TusErrorDetails = {},
): string {
  const prefix =
    details.method !== undefined && details.url !== undefined
      ? `${details.method} ${details.url}: `
      : '';
  if (location === undefined || location.trim() === '') {
    throw new TusProtocolError(`${prefix}the Location header is missing`, details);
  }
  let resolved: URL;
  let base: URL;
  try {
    base = new URL(requestUrl);
    resolved = new URL(location.trim(), base);
  } catch (cause) {
    throw new TusProtocolError(`${prefix}Location is not a URL: ${JSON.stringify(location)}`, {
      ...details,
      cause,
    });
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    throw new TusProtocolError(
      `${prefix}Location must be an http(s) URL, got ${JSON.stringify(resolved.protocol)}`,
      details,
    );
  }
  if (base.protocol === 'https:' && resolved.protocol === 'http:') {
    throw new TusUnsafeUrlError(
      `${prefix}the server sent an http: Location (${redactUrl(resolved.href)}) for an https: request; the upload would go in plain text, so it is refused`,
      'downgrade',
      details,
    );
  }
  // A relative Location keeps the request's own user name and password; a Location must
  // not bring new ones (they would become an Authorization header the caller never gave),
  // nor carry the caller's to another origin.
  const userinfo = resolved.username !== '' || resolved.password !== '';
  const inherited =
    resolved.origin === base.origin &&
    resolved.username === base.username &&
    resolved.password === base.password;
  if (userinfo && !inherited) {
    throw new TusUnsafeUrlError(
      `${prefix}the server sent a Location with a user name or password (${redactUrl(resolved.href)}); it is refused`,
      'userinfo',
      details,
    );
  }
  return resolved.href;
}

/** The URL without user name, password and tokens, for messages (see `redactUrl`). */
export function displayUrl(url: string): string {
  return redactUrl(url);
}
