/** `Upload-Checksum` building and parsing (tus checksum extension). */
import type { ChecksumAlgorithm } from '../types.js';

/** Algorithms this client knows, in its order of preference. */
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = [
  'sha1',
  'sha256',
  'sha512',
  'md5',
];

/** Whether `name` is one of `CHECKSUM_ALGORITHMS`. */
export function isChecksumAlgorithm(name: unknown): name is ChecksumAlgorithm {
  return typeof name === 'string' && (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

/** `Upload-Checksum: <algorithm> <base64 digest>`. */
export function buildChecksumHeader(algorithm: ChecksumAlgorithm, base64Digest: string): string {
  return `${algorithm} ${base64Digest}`;
}

/** `{ algorithm, digest }` of an `Upload-Checksum` value, `undefined` when malformed. */
export function parseChecksumHeader(
  value: string,
): { algorithm: string; digest: string } | undefined {
  const match = /^([A-Za-z0-9-]+) ([A-Za-z0-9+/]+={0,2})$/.exec(value.trim());
  if (match === null) return undefined;
  return { algorithm: match[1]!.toLowerCase(), digest: match[2]! };
}
