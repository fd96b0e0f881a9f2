/** Values described for messages, for every layer (the client's options, the server's, the CLI). */
import { redactText } from './errors/redact.js';

/**
 * A short description of `value` for messages. A string is shown redacted (a URL's user
 * name, password and tokens, as `redactText` does) before it is cut to 60 characters, so
 * that a cut cannot keep a secret the redaction would not then recognise.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const shown = redactText(value);
    return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 60)}…` : shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
