/** Strict parsing of the tus integer headers (`Upload-Offset`, `Upload-Length`...). */
import { type TusErrorDetails, TusProtocolError } from '../errors/index.js';

const DIGITS = /^[0-9]+$/;

/**
 * Parses a non-negative integer header: digits only, a safe integer. Anything else
 * (missing, empty, `-1`, `1e3`, ` 12`, `0x10`, too large) is a `TusProtocolError` naming
 * the header and its value.
 */
export function parseIntegerHeader(
  name: string,
  value: string | undefined,
  details: TusErrorDetails = {},
): number {
  if (value === undefined) {
    throw new TusProtocolError(`${where(details)}the ${name} header is missing`, details);
  }
  if (!DIGITS.test(value)) {
    throw new TusProtocolError(
      `${where(details)}${name} is not a non-negative integer: ${JSON.stringify(clip(value))}`,
      details,
    );
  }
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new TusProtocolError(
      `${where(details)}${name} is too large: ${JSON.stringify(clip(value))}`,
      details,
    );
  }
  return parsed;
}

/** Like `parseIntegerHeader`, but `undefined` when the header is absent. */
export function parseOptionalIntegerHeader(
  name: string,
  value: string | undefined,
  details: TusErrorDetails = {},
): number | undefined {
  return value === undefined ? undefined : parseIntegerHeader(name, value, details);
}

function where(details: TusErrorDetails): string {
  const status = details.status === undefined ? '' : ` (${details.status})`;
  return details.method !== undefined && details.url !== undefined
    ? `${details.method} ${details.url}${status}: `
    : '';
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
