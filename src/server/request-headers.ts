/**
 * Reading the tus headers of a request, strictly: anything malformed is a 400 that says
 * which header and why. Pure: no I/O.
 */
import { TusProtocolError } from '../errors/index.js';
import {
  CHECKSUM_ALGORITHMS,
  isChecksumAlgorithm,
  parseChecksumHeader,
} from '../protocol/checksum.js';
import { parseConcat, type UploadConcat } from '../protocol/concat.js';
import { parseOptionalIntegerHeader } from '../protocol/integers.js';
import { decodeMetadata } from '../protocol/metadata.js';
import type { ChecksumAlgorithm } from '../types.js';
import { refuse } from './upload-record.js';

/** Algorithms of the checksum extension this server computes (the client's, by node:crypto). */
export const SERVER_CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = CHECKSUM_ALGORITHMS;
export type ServerChecksumAlgorithm = ChecksumAlgorithm;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** The header's single value (a repeated header is a 400), `undefined` when absent. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) refuse(400, `${name} was sent more than once`);
  return value;
}

/** A non-negative integer header (`Upload-Length`, `Upload-Offset`), `undefined` when absent; else 400. */
export function integerHeader(headers: Headers, name: string): number | undefined {
  const text = headerValue(headers, name);
  try {
    return parseOptionalIntegerHeader(name, text);
  } catch (error) {
    if (!(error instanceof TusProtocolError)) throw error;
    refuse(
      400,
      `${name} must be a non-negative integer, got ${JSON.stringify(text?.slice(0, 40))}`,
    );
  }
}

/**
 * Checks `Upload-Metadata`: comma-separated `key base64value` (or a lone `key`) pairs, keys
 * printable ASCII, unique, values standard base64, the whole at most `maxBytes`.
 * Returns the header as sent (`''` when absent).
 */
export function checkMetadataHeader(headers: Headers, maxBytes: number): string {
  const text = headerValue(headers, 'Upload-Metadata');
  if (text === undefined || text.trim() === '') return '';
  if (text.length > maxBytes) {
    refuse(400, `Upload-Metadata is ${text.length} bytes; this server accepts at most ${maxBytes}`);
  }
  try {
    // The client's parser holds the rules (pairs, keys, repeats, base64); latin1 never fails.
    decodeMetadata(text, 'latin1');
  } catch (error) {
    if (!(error instanceof TusProtocolError)) throw error;
    refuse(400, error.message);
  }
  return text.trim();
}

export interface ChecksumClaim {
  algorithm: ServerChecksumAlgorithm;
  /** The digest the client claims, base64. */
  digest: string;
}

/** Parses an `Upload-Checksum` value: an unknown algorithm or a malformed value is a 400. */
export function parseChecksumValue(text: string): ChecksumClaim {
  const parsed = parseChecksumHeader(text);
  if (parsed === undefined) {
    refuse(
      400,
      `Upload-Checksum must be "<algorithm> <base64 digest>", got ${JSON.stringify(text.slice(0, 60))}`,
    );
  }
  if (!isChecksumAlgorithm(parsed.algorithm)) {
    refuse(
      400,
      `checksum algorithm ${JSON.stringify(parsed.algorithm)} is not supported; use one of ${SERVER_CHECKSUM_ALGORITHMS.join(', ')}`,
    );
  }
  return { algorithm: parsed.algorithm, digest: parsed.digest };
}

/** Whether the request announces `Upload-Checksum` as a trailer (checksum-trailer). */
export function announcesChecksumTrailer(headers: Headers): boolean {
  const trailer = headers.trailer;
  const names = Array.isArray(trailer) ? trailer.join(',') : (trailer ?? '');
  return names.split(',').some((name) => name.trim().toLowerCase() === 'upload-checksum');
}

export type ConcatRequest = UploadConcat;

/** Parses `Upload-Concat` of a creation: `partial` or `final;<url> <url> …`; else 400. */
export function parseConcatHeader(headers: Headers): ConcatRequest | undefined {
  const text = headerValue(headers, 'Upload-Concat');
  if (text === undefined) return undefined;
  try {
    return parseConcat(text);
  } catch {
    refuse(
      400,
      `Upload-Concat must be "partial" or "final;<url> <url> ...", got ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
}
