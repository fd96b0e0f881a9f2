/**
 * The client's side of the draft's messages: the headers of a creation, an append and the
 * other requests under one interop version's rules, and what an answer says about the
 * upload. Pure: the client's protocol modules send and receive, this only builds and reads.
 */
import { type TusErrorDetails, TusProtocolError } from '../../errors/index.js';
import type { ChecksumAlgorithm } from '../../types.js';
import { formatContentDisposition } from './content-disposition.js';
import {
  type DigestAlgorithm,
  type Digests,
  digestAlgorithmOf,
  formatDigestField,
  formatWantDigest,
} from './digests.js';
import { INTEROP_HEADER, type InteropRules } from './interop.js';
import {
  parseBooleanItem,
  parseNonNegativeIntegerItem,
  serializeBoolean,
  serializeInteger,
} from './structured-fields.js';
import { parseUploadLimit, type UploadLimits } from './upload-limit.js';

/** Headers every draft request carries: the interop version. */
export function versionHeaders(rules: InteropRules): Record<string, string> {
  return { [INTEROP_HEADER]: String(rules.version) };
}

export interface CreationMessage {
  /** `Upload-Complete`: the body is the whole representation. */
  complete: boolean;
  /** The representation's length, when known. */
  length?: number | undefined;
  /** `Content-Disposition` file name. */
  filename?: string | undefined;
  /** `Content-Type` of the representation. */
  filetype?: string | undefined;
  /** `Content-Digest` of this request's body (algorithm, base64). */
  contentDigest?: { algorithm: ChecksumAlgorithm; base64: string } | undefined;
  /** `Repr-Digest` of the whole representation. */
  reprDigest?: Digests | undefined;
  /** `Want-Repr-Digest`: algorithms to be answered with, best first. */
  wantReprDigest?: readonly DigestAlgorithm[] | undefined;
}

export function creationHeaders(
  rules: InteropRules,
  message: CreationMessage,
): Record<string, string> {
  const headers = versionHeaders(rules);
  headers['Upload-Complete'] = serializeBoolean(message.complete);
  // Interop 5 has no Upload-Length: a length there is `?1` with the body's Content-Length.
  if (message.length !== undefined && rules.uploadLengthHeader) {
    headers['Upload-Length'] = serializeInteger(message.length);
  }
  if (message.filename !== undefined) {
    headers['Content-Disposition'] = formatContentDisposition(message.filename);
  }
  if (message.filetype !== undefined) headers['Content-Type'] = message.filetype;
  Object.assign(headers, digestHeaders(message));
  return headers;
}

export interface AppendMessage {
  offset: number;
  /** `Upload-Complete`: this body ends the representation. */
  complete: boolean;
  /** The representation's length, once known (sent where the version has the field). */
  length?: number | undefined;
  contentDigest?: { algorithm: ChecksumAlgorithm; base64: string } | undefined;
  reprDigest?: Digests | undefined;
  wantReprDigest?: readonly DigestAlgorithm[] | undefined;
}

export function appendHeaders(rules: InteropRules, message: AppendMessage): Record<string, string> {
  const headers = versionHeaders(rules);
  headers['Upload-Offset'] = serializeInteger(message.offset);
  headers['Upload-Complete'] = serializeBoolean(message.complete);
  if (rules.appendContentType !== undefined) headers['Content-Type'] = rules.appendContentType;
  if (message.length !== undefined && rules.uploadLengthHeader) {
    headers['Upload-Length'] = serializeInteger(message.length);
  }
  Object.assign(headers, digestHeaders(message));
  return headers;
}

function digestHeaders(message: CreationMessage | AppendMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const { contentDigest, reprDigest, wantReprDigest } = message;
  if (contentDigest !== undefined) {
    headers['Content-Digest'] =
      `${digestAlgorithmOf(contentDigest.algorithm)}=:${contentDigest.base64}:`;
  }
  if (reprDigest !== undefined && reprDigest.size > 0) {
    headers['Repr-Digest'] = formatDigestField(reprDigest);
  }
  if (wantReprDigest !== undefined && wantReprDigest.length > 0) {
    headers['Want-Repr-Digest'] = formatWantDigest(wantReprDigest);
  }
  return headers;
}

/** What an answer says of the upload. */
export interface UploadState {
  offset: number;
  /** `Upload-Complete`, `undefined` when the answer has none (interop 5 and 6 may omit it). */
  complete: boolean | undefined;
  length: number | undefined;
  limits: UploadLimits | undefined;
}

/**
 * Reads `Upload-Offset` (required: a malformed or missing one is a `TusProtocolError`),
 * `Upload-Complete`, `Upload-Length` and `Upload-Limit` from `headers` (lower-case names).
 */
export function readUploadState(
  rules: InteropRules,
  headers: Readonly<Record<string, string>>,
  details: TusErrorDetails,
): UploadState {
  const prefix = `${details.method ?? ''} ${details.url ?? ''}`.trim();
  const offset = parseNonNegativeIntegerItem(headers['upload-offset']);
  if (offset === undefined || !Number.isSafeInteger(offset)) {
    const shown = headers['upload-offset'];
    throw new TusProtocolError(
      `${prefix}: ${shown === undefined ? 'the Upload-Offset header is missing' : `Upload-Offset is not a non-negative integer: ${JSON.stringify(shown.slice(0, 40))}`}`,
      details,
    );
  }
  const length = parseNonNegativeIntegerItem(headers['upload-length']);
  return {
    offset,
    complete: parseBooleanItem(headers['upload-complete']),
    length: length !== undefined && Number.isSafeInteger(length) ? length : undefined,
    limits:
      rules.lifetimeKey === undefined
        ? undefined
        : parseUploadLimit(headers['upload-limit'], rules.lifetimeKey),
  };
}

/**
 * The `Location` of an interim answer when it is a 104 of this interop version; `undefined`
 * for any other interim answer (the draft: ignore a 104 of a missing or other version).
 */
export function interimLocation(
  rules: InteropRules,
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  if (status !== 104) return undefined;
  const version = headers[INTEROP_HEADER.toLowerCase()];
  if (typeof version !== 'string' || parseNonNegativeIntegerItem(version) !== rules.version) {
    return undefined;
  }
  const location = headers.location;
  return typeof location === 'string' && location.trim() !== '' ? location.trim() : undefined;
}

/**
 * The `Upload-Offset` of an interim answer when it is a 104 of this interop version (the
 * server's progress during a creation or an append: bytes it processed and keeps); otherwise,
 * or when malformed, `undefined` (a 104 of a missing or other version is ignored).
 */
export function interimOffset(
  rules: InteropRules,
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): number | undefined {
  if (status !== 104) return undefined;
  const version = headers[INTEROP_HEADER.toLowerCase()];
  if (typeof version !== 'string' || parseNonNegativeIntegerItem(version) !== rules.version) {
    return undefined;
  }
  const offset = headers['upload-offset'];
  const value = typeof offset === 'string' ? parseNonNegativeIntegerItem(offset) : undefined;
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}
