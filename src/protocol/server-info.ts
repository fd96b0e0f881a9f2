/** `OPTIONS` response headers → `ServerInfo`. */
import type { TusErrorDetails } from '../errors/index.js';
import type { ServerInfo } from '../types.js';
import { TUS_VERSION } from './constants.js';
import { parseOptionalIntegerHeader } from './integers.js';

/** A comma-separated header as a list of trimmed, non-empty items. */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `ServerInfo` from the (lower-case) headers of an OPTIONS answer. */
export function parseServerInfo(
  headers: Readonly<Record<string, string>>,
  details: TusErrorDetails = {},
): ServerInfo {
  const versions = splitList(headers['tus-version']);
  return {
    version: headers['tus-resumable']?.trim() || versions[0] || TUS_VERSION,
    versions,
    draftVersions: draftVersionsOf(headers),
    extensions: splitList(headers['tus-extension']),
    maxSize: parseOptionalIntegerHeader('Tus-Max-Size', headers['tus-max-size'], details),
    checksumAlgorithms: splitList(headers['tus-checksum-algorithm']).map((a) => a.toLowerCase()),
  };
}

/**
 * The interop versions an OPTIONS answer names, newest first: the List of our server's
 * `Upload-Draft-Interop-Versions`, else an echoed `Upload-Draft-Interop-Version`; entries
 * that are not non-negative integers are left out.
 */
function draftVersionsOf(headers: Readonly<Record<string, string>>): number[] {
  const listed =
    headers['upload-draft-interop-versions'] ?? headers['upload-draft-interop-version'];
  const versions = splitList(listed)
    .filter((item) => /^[0-9]{1,6}$/.test(item))
    .map(Number);
  return [...new Set(versions)].sort((a, b) => b - a);
}
