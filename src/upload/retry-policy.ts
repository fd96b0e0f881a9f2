/**
 * Which failures are retried and how long to wait. Retried: network errors, timeouts and
 * stalls, 5xx but 501 and 505, 409 (after a HEAD resync), 423, 429, 460 and any other
 * checksum mismatch (the draft's Content-Digest refusal). Not retried: other
 * 4xx, 501 Not Implemented and 505 (asking again cannot help), protocol, input and
 * checksum-support errors.
 */
import {
  TusChecksumMismatchError,
  TusCommunicationError,
  type TusError,
  TusNetworkError,
} from '../errors/index.js';
import type { ShouldRetryHook } from '../types.js';

/** Longest wait between two attempts. */
export const MAX_RETRY_DELAY = 60_000;

export interface RetrySettings {
  maxRetries: number;
  retryDelay: number;
  onShouldRetry: ShouldRetryHook | undefined;
}

const RETRIED_STATUSES = new Set([409, 423, 429, 460]);
/** 5xx that say the server cannot do this at all. */
const FINAL_SERVER_STATUSES = new Set([501, 505]);

/** Whether `error` may succeed when tried again. */
export function isRetryable(error: unknown): error is TusError {
  if (error instanceof TusNetworkError) return true;
  // The bytes changed on the way (tus's 460, the draft's Content-Digest refusal): send again.
  if (error instanceof TusChecksumMismatchError) return true;
  if (!(error instanceof TusCommunicationError)) return false;
  const status = error.status;
  if (status === undefined) return false;
  if (FINAL_SERVER_STATUSES.has(status)) return false;
  return status >= 500 || RETRIED_STATUSES.has(status);
}

/**
 * Milliseconds to wait before attempt `attempt` (1-based): `retryDelay · 2^(attempt−1)`
 * capped at 60 s, with jitter (between half and all of it), and at least what the
 * server's `Retry-After` asks (also capped).
 */
export function retryDelayFor(
  attempt: number,
  retryDelay: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  // The exponent is capped so that `0 · 2^n` never becomes `0 · Infinity` (NaN).
  const base = Math.min(MAX_RETRY_DELAY, retryDelay * 2 ** Math.min(60, Math.max(0, attempt - 1)));
  const jittered = base / 2 + (random() * base) / 2;
  if (retryAfterMs === undefined) return jittered;
  return Math.min(MAX_RETRY_DELAY, Math.max(jittered, retryAfterMs));
}

/**
 * `Retry-After` (seconds or an HTTP date) in ms from `now`, `undefined` when absent/bad;
 * never more than `MAX_RETRY_DELAY` (a server cannot park the client for ever).
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Math.min(MAX_RETRY_DELAY, Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.min(MAX_RETRY_DELAY, Math.max(0, date - now));
}

/** The `Retry-After` of the response behind `error`, in ms. */
export function retryAfterOf(error: TusError): number | undefined {
  return parseRetryAfter(error.responseHeaders?.['retry-after']);
}
