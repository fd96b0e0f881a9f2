/**
 * The browser's incremental hashes for fingerprints. Web Crypto has no incremental digest
 * (it hashes one buffer), so SHA-256 comes from checksum/incremental-hashes.ts, fed 64 KiB
 * at a time in constant memory: the default `Fingerprint` can hash a multi-GiB `File`
 * without holding it. MD5 is not offered (`PartialMD5Fingerprint` then says so).
 */
import { createIncrementalHash, toHex } from '../checksum/incremental-hashes.js';
import type { FingerprintHashAlgorithm, IncrementalHash } from './fingerprinter.js';

/** The browser's `Platform.fingerprintHash`: SHA-256 only. */
export function browserFingerprintHash(
  algorithm: FingerprintHashAlgorithm,
): IncrementalHash | undefined {
  if (algorithm !== 'sha256') return undefined;
  const hash = createIncrementalHash('sha256');
  let hex: string | undefined;
  return {
    update: (data) => hash.update(data),
    digestHex: () => {
      hex ??= toHex(hash.digest());
      return hex;
    },
  };
}
