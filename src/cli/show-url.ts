/**
 * Every URL the CLI prints goes through `showUrl`: without userinfo (`user:password@`),
 * and with the values of query parameters that carry credentials masked (signed URLs).
 * The library's `redactUrl` is to take this over once it is in its public API.
 */

/** Query parameters whose values are credentials (compared in lower case). */
const SECRET_PARAMS = [
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
  'signature',
  'sig',
  'token',
  'access_token',
];

export function showUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '';
    parsed.password = '';
    changed = true;
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.includes(key.toLowerCase())) {
      parsed.searchParams.set(key, 'REDACTED');
      changed = true;
    }
  }
  return changed ? parsed.href : url;
}

/** `text` with every http(s) URL in it shown as `showUrl` shows it. */
export function showUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s'"<>)]+/g, (url) => showUrl(url));
}
