/**
 * Secrets out of text meant for people: user names and passwords in URLs (`user:pw@`), and
 * the values of query (or fragment) parameters that sign or authorise a URL (`?sig=`,
 * `?token=`, `X-Amz-Signature=`, `X-Goog-Credential=`, `access_token=`, `api_key=`...).
 * Pure string work, no URL parsing: anything, even a broken or relative URL or a message
 * with URLs inside, comes out with its secrets replaced.
 */

/** What a redacted value becomes. */
export const REDACTED = '[redacted]';

/**
 * Parameter names whose values are secrets: anything that names a signature, token, key,
 * secret, password, credential, session, policy or authorisation (case-insensitive).
 */
const SECRET_PARAM =
  /sig|token|secret|passw|pwd|credential|auth|key|session|policy|jwt|assertion|ticket/i;

/** `scheme://userinfo@` (or `//userinfo@` after a quote, a space or the start). */
const USERINFO = /((?:\b[a-z][a-z0-9+.-]*:|(?:^|(?<=[\s"'(<=]))(?=\/\/))\/\/)[^\s/\\?#"'<>]*@/gi;

/**
 * `?name=value`, `&name=value`, `;name=value` or `#name=value`; a `:`, `.` or `,` that ends
 * the value is left out of it (`PATCH http://h/f?sig=x: 500` keeps its colon).
 */
const PARAM = /([?&;#])([^=&;#\s"'<>]*)=([^&;#\s"'<>)]*?)(?=[:.,]*(?:[&;#\s"'<>)]|$))/g;

/** Whether a query parameter called `name` carries a secret. */
export function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {}
  return SECRET_PARAM.test(decoded);
}

/**
 * `url` without user name and password, and with the values of signing and authorising
 * parameters replaced by `[redacted]`: what to show, log or print of an upload URL.
 * Keep the original to make requests with; this one is for people.
 * @example
 * redactUrl('https://me:pw@tus.example.com/files/ab?sig=c2VjcmV0&part=2')
 * // 'https://tus.example.com/files/ab?sig=[redacted]&part=2'
 */
export function redactUrl(url: string): string {
  return redactText(String(url));
}

/** `text` with every URL in it redacted as `redactUrl` does (for error messages). */
export function redactText(text: string): string {
  // Every URL a request shows passes here: most have neither userinfo (`@`) nor a query
  // value (`=`), and need no regular expression.
  const userinfo = text.includes('@');
  if (!userinfo && !text.includes('=')) return text;
  return (userinfo ? text.replace(USERINFO, '$1') : text).replace(
    PARAM,
    (whole, lead: string, name: string, value: string) =>
      value === '' || value === REDACTED || !isSecretParam(name)
        ? whole
        : `${lead}${name}=${REDACTED}`,
  );
}

/** Headers whose values are credentials, by lower-case name. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Headers whose values are URLs, redacted like one. */
const URL_HEADERS = new Set(['location', 'content-location', 'link']);

/** `headers` (lower-case names) with credentials replaced and URLs redacted, for error fields. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    out[name] = SECRET_HEADERS.has(lower)
      ? REDACTED
      : URL_HEADERS.has(lower)
        ? redactText(value)
        : value;
  }
  return out;
}
