/**
 * Reading the IETF draft's headers of a request, strictly: a field the draft needs that is
 * malformed is a 400 naming it (the draft lets a recipient ignore a malformed field; for a
 * request that would only hide the client's mistake). Pure: no I/O.
 */

import type { DigestAlgorithm } from '../../protocol/ietf/digests.js';
import { type Digests, parseDigestField, parseWantDigest } from '../../protocol/ietf/digests.js';
import {
  INTEROP_HEADER,
  type InteropVersion,
  isInteropVersion,
} from '../../protocol/ietf/interop.js';
import {
  parseBooleanItem,
  parseNonNegativeIntegerItem,
} from '../../protocol/ietf/structured-fields.js';
import { headerValue } from '../request-headers.js';
import { refuse } from '../upload-record.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Whether a request speaks the draft: it names an interop version and no tus version (as
 * tusd tells them apart). `Upload-Complete` alone is not enough: an RFC-final client sends
 * no interop version, and this server speaks only drafts.
 */
export function isDraftRequest(headers: Headers): boolean {
  return (
    headers['tus-resumable'] === undefined && headers[INTEROP_HEADER.toLowerCase()] !== undefined
  );
}

/**
 * The interop version a draft request names; 400 when it is not one this server speaks
 * (`spoken`: the server's `draftVersions`).
 */
export function requestVersion(
  headers: Headers,
  spoken: readonly InteropVersion[],
): InteropVersion {
  const text = headerValue(headers, INTEROP_HEADER);
  const version = parseNonNegativeIntegerItem(text);
  if (!isInteropVersion(version) || !spoken.includes(version)) {
    const list = spoken.length === 0 ? 'none' : [...spoken].reverse().join(', ');
    refuse(
      400,
      `${INTEROP_HEADER} ${JSON.stringify(text?.slice(0, 20))} is not one this server speaks (${list})`,
    );
  }
  return version;
}

/** `Upload-Complete` (`?0`/`?1`), `undefined` when absent; 400 when malformed. */
export function completeHeader(headers: Headers): boolean | undefined {
  const text = headerValue(headers, 'Upload-Complete');
  if (text === undefined) return undefined;
  const value = parseBooleanItem(text);
  if (value === undefined) {
    refuse(400, `Upload-Complete must be ?0 or ?1, got ${JSON.stringify(text.slice(0, 20))}`);
  }
  return value;
}

/** A non-negative Integer field (`Upload-Offset`, `Upload-Length`), `undefined` when absent. */
export function integerField(headers: Headers, name: string): number | undefined {
  const text = headerValue(headers, name);
  if (text === undefined) return undefined;
  const value = parseNonNegativeIntegerItem(text);
  if (value === undefined || !Number.isSafeInteger(value)) {
    refuse(400, `${name} must be a non-negative integer, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return value;
}

/** `Content-Length` as sent, `undefined` when absent (chunked). */
export function contentLength(headers: Headers): number | undefined {
  const text = headerValue(headers, 'Content-Length');
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value)) {
    refuse(400, `Content-Length must be a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Whether the request carries a body (a positive Content-Length, or chunked). */
export function hasBody(headers: Headers): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  return (contentLength(headers) ?? 0) > 0;
}

/** `Content-Digest` / `Repr-Digest`: known algorithms (maybe none), `undefined` when absent. */
export function digestField(headers: Headers, name: string): Digests | undefined {
  const text = headerValue(headers, name);
  if (text === undefined) return undefined;
  const digests = parseDigestField(text);
  if (digests === undefined) {
    refuse(400, `${name} must be a dictionary of byte sequences such as sha-256=:<base64>:`);
  }
  return digests;
}

/** `Want-Repr-Digest`, best first; absent or malformed is `[]` (a preference, not a demand). */
export function wantedDigests(headers: Headers): DigestAlgorithm[] {
  return parseWantDigest(headerValue(headers, 'Want-Repr-Digest')) ?? [];
}

/** The media type of the request body, lower case, without parameters. */
export function mediaType(headers: Headers): string | undefined {
  const text = headerValue(headers, 'Content-Type');
  return text?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** 400 when the request carries one of `names` (interop 5 and 6 forbid them on HEAD/DELETE). */
export function refuseHeaders(headers: Headers, names: readonly string[], method: string): void {
  for (const name of names) {
    if (headers[name.toLowerCase()] !== undefined) refuse(400, `${method} must not carry ${name}`);
  }
}
