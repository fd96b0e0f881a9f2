import type { ChecksumAlgorithm } from '../types.js';

/** Computes the digests of the tus checksum extension on this platform. */
export interface ChecksumProvider {
  /** Whether this platform can compute `algorithm`. */
  supports(algorithm: ChecksumAlgorithm): boolean;
  /** The base64 digest of `data`, as `Upload-Checksum` carries it. */
  digest(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<string>;
}
