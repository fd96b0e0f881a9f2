/**
 * Integrity fields of RFC 9530 as the draft uses them: `Content-Digest` (one request's
 * content), `Repr-Digest` (the whole upload) and `Want-Repr-Digest` (the algorithms a client
 * asks the server to answer with). Only the algorithms of the client's `checksum` option are
 * known (`sha-256`, `sha-512` and the deprecated `sha`, `md5`); others are dropped, as a
 * recipient may ignore them. Pure.
 */
import type { ChecksumAlgorithm } from '../../types.js';
import { parseDictionary, serializeDictionary } from './structured-fields.js';

/** RFC 9530 algorithm keys and the hash each is, in the order we prefer them. */
export const DIGEST_ALGORITHMS = {
  'sha-256': 'sha256',
  'sha-512': 'sha512',
  sha: 'sha1',
  md5: 'md5',
} as const satisfies Record<string, ChecksumAlgorithm>;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

const BY_CHECKSUM: Readonly<Record<ChecksumAlgorithm, DigestAlgorithm>> = {
  sha256: 'sha-256',
  sha512: 'sha-512',
  sha1: 'sha',
  md5: 'md5',
};

export function isDigestAlgorithm(key: string): key is DigestAlgorithm {
  return Object.hasOwn(DIGEST_ALGORITHMS, key);
}

/** The RFC 9530 key of a `checksum` option value (`sha256` → `sha-256`). */
export function digestAlgorithmOf(checksum: ChecksumAlgorithm): DigestAlgorithm {
  return BY_CHECKSUM[checksum];
}

export type Digests = ReadonlyMap<DigestAlgorithm, Uint8Array>;

/**
 * A `Content-Digest` / `Repr-Digest` value: the digests of known algorithms (possibly none);
 * `undefined` when absent or malformed (not a Dictionary, or a member not a Byte Sequence).
 */
export function parseDigestField(text: string | undefined): Digests | undefined {
  const members = parseDictionary(text);
  if (members === undefined) return undefined;
  const digests = new Map<DigestAlgorithm, Uint8Array>();
  for (const [key, member] of members) {
    if (!('bare' in member) || member.bare.kind !== 'bytes') return undefined;
    if (isDigestAlgorithm(key)) digests.set(key, member.bare.value);
  }
  return digests;
}

export function formatDigestField(
  digests: Iterable<readonly [DigestAlgorithm, Uint8Array]>,
): string {
  return serializeDictionary(digests);
}

/**
 * A `Want-Repr-Digest` / `Want-Content-Digest` value: known algorithms by preference, best
 * first (weight 0, "not acceptable", left out); `undefined` when absent or malformed (a
 * member not an Integer from 0 to 10).
 */
export function parseWantDigest(text: string | undefined): DigestAlgorithm[] | undefined {
  const members = parseDictionary(text);
  if (members === undefined) return undefined;
  const wanted: [DigestAlgorithm, number][] = [];
  for (const [key, member] of members) {
    if (!('bare' in member) || member.bare.kind !== 'integer') return undefined;
    const weight = member.bare.value;
    if (weight < 0 || weight > 10) return undefined;
    if (weight > 0 && isDigestAlgorithm(key)) wanted.push([key, weight]);
  }
  const order = Object.keys(DIGEST_ALGORITHMS);
  return wanted
    .sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]))
    .map(([key]) => key);
}

/** `Want-Repr-Digest` asking for `algorithms`, the first the most wanted. */
export function formatWantDigest(algorithms: readonly DigestAlgorithm[]): string {
  return serializeDictionary(algorithms.map((key, i) => [key, Math.max(1, 10 - i)] as const));
}

/** Whether two digests are the same bytes. */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
