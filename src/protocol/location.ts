/** Resolving the `Location` of a creation response against the request URL. */
import { type TusErrorDetails, TusProtocolError } from '../errors/index.js';

/**
 * `location` resolved against `requestUrl`: relative paths are allowed, the result must be
 * an `http:` or `https:` URL. Anything else is a `TusProtocolError`.
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
  try {
    resolved = new URL(location.trim(), requestUrl);
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
  return resolved.href;
}

/** The URL without user name and password, for messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}
