/** Node's `ChecksumProvider`: node:crypto. */
import { createHash, getHashes, type Hash } from 'node:crypto';
import type { ChecksumAlgorithm } from '../types.js';
import type { ChecksumProvider, IncrementalDigest } from './checksum-provider.js';

const available = new Set(getHashes());

export const nodeChecksum: ChecksumProvider = {
  supports(algorithm: ChecksumAlgorithm): boolean {
    return available.has(algorithm);
  },
  async digest(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<string> {
    return createHash(algorithm).update(data).digest('base64');
  },
  incremental(algorithm: ChecksumAlgorithm): IncrementalDigest | undefined {
    return available.has(algorithm) ? wrap(createHash(algorithm)) : undefined;
  },
};

function wrap(hash: Hash): IncrementalDigest {
  return {
    update: (data) => {
      hash.update(data);
    },
    digest: () => hash.digest('base64'),
    clone: () => wrap(hash.copy()),
  };
}
