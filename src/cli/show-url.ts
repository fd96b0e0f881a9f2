/** URLs inside a message for people, shown as `redactUrl` shows them. */
import { redactUrl } from '../index.node.js';

/** `text` with every http(s) URL in it redacted (userinfo, signed-URL credentials). */
export function showUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s'"<>)]+/g, (url) => redactUrl(url));
}
