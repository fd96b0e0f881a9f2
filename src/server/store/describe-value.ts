/**
 * A short description of a value for the messages of the seams' option checks: a string is
 * shown redacted (user names, passwords and tokens in URLs) and cut to 60 characters. Pure;
 * imports only `errors/`, as the server's layer allows.
 */
import { redactText } from '../../errors/redact.js';

export function describeValue(value: unknown): string {
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
