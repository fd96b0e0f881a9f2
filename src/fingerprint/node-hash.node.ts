/** Node's incremental hashes for fingerprints: node:crypto. */
import { createHash, getHashes } from 'node:crypto';
import type { FingerprintHashAlgorithm, IncrementalHash } from './fingerprinter.js';

const available = new Set(getHashes());

/** A node:crypto hash of `algorithm`, `undefined` when this Node lacks it (MD5 under FIPS). */
export function nodeFingerprintHash(
  algorithm: FingerprintHashAlgorithm,
): IncrementalHash | undefined {
  if (!available.has(algorithm)) return undefined;
  const hash = createHash(algorithm);
  return {
    update: (data) => {
      hash.update(data);
    },
    digestHex: () => hash.digest('hex'),
  };
}
