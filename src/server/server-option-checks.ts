/**
 * Checks of single server options: a wrong type is a `TypeError`, a wrong range a
 * `RangeError`, each naming the option and the value. Pure.
 */
import { show } from '../show.js';

/** An integer >= `min`, or `Infinity` (no limit); `fallback` when absent. */
export function amount(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`server option ${name} must be a number, got ${show(value)}`);
  }
  if (value !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(value) || value < min)) {
    throw new RangeError(
      `server option ${name} must be an integer >= ${min} or Infinity, got ${show(value)}`,
    );
  }
  return value;
}

/** A whole number >= `min` (no `Infinity`); `fallback` when absent. */
export function count(name: string, value: unknown, fallback: number, min: number): number {
  const checked = amount(name, value, fallback, min);
  if (!Number.isFinite(checked)) {
    throw new RangeError(`server option ${name} must be a finite integer, got ${show(value)}`);
  }
  return checked;
}

export function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new TypeError(`server option ${name} must be a boolean, got ${show(value)}`);
  }
  return value;
}

export function hook<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`server option ${name} must be a function, got ${show(value)}`);
  }
  return value;
}

export function checkPath(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(value)) {
    throw new TypeError(
      `server option path must be a URL path such as '/files', got ${show(value)}`,
    );
  }
  const trimmed = value.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** `scheme://host[:port]`, as browsers send it in `Origin`. */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+$/i;

/** `'*'`, or a list of exact origins (`https://app.example`, or `null` spelled out). */
export function checkOrigins(value: unknown): '*' | readonly string[] {
  if (value === undefined) return [];
  if (value === '*') return '*';
  if (!Array.isArray(value)) {
    throw new TypeError(
      `server option allowedOrigins must be '*' or a list of origins, got ${show(value)}`,
    );
  }
  for (const origin of value as unknown[]) {
    if (typeof origin !== 'string' || (origin !== 'null' && !ORIGIN.test(origin))) {
      throw new TypeError(
        `server option allowedOrigins: ${show(origin)} is not an origin such as 'https://app.example' (scheme, host and port only)`,
      );
    }
  }
  return [...(value as string[])];
}

/** An absolute http(s) URL without credentials, query or fragment; no trailing slash. */
export function checkPublicUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const clean =
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === '';
  if (url === undefined || !clean) {
    throw new TypeError(
      `server option publicUrl must be the http(s) URL clients reach the creation endpoint at, such as 'https://uploads.example/files' (no credentials, query or fragment), got ${show(value)}`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** A list of interop versions out of `known`, newest first; all of them when absent. */
export function checkDraftVersions<V extends number>(value: unknown, known: readonly V[]): V[] {
  if (value === undefined) return [...known].sort((a, b) => b - a);
  if (!Array.isArray(value)) {
    throw new TypeError(`server option draftVersions must be an array, got ${show(value)}`);
  }
  for (const version of value) {
    if (!(known as readonly unknown[]).includes(version)) {
      throw new RangeError(
        `server option draftVersions takes interop versions out of ${known.join(', ')}, got ${show(version)}`,
      );
    }
  }
  return [...new Set(value as V[])].sort((a, b) => b - a);
}
