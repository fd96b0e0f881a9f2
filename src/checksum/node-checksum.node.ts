/** Node's `ChecksumProvider`: node:crypto. */
import { createHash, getHashes } from 'node:crypto';
import type { ChecksumAlgorithm } from '../types.js';
import type { ChecksumProvider } from './checksum-provider.js';

const available = new Set(getHashes());

export const nodeChecksum: ChecksumProvider = {
  supports(algorithm: ChecksumAlgorithm): boolean {
    return available.has(algorithm);
  },
  async digest(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<string> {
    return createHash(algorithm).update(data).digest('base64');
  },
};
