import type { ChecksumAlgorithm } from '../types.js';

/** A digest fed piece by piece, so that a large chunk is hashed without holding it whole. */
export interface IncrementalDigest {
  update(data: Uint8Array): void;
  /** The base64 digest, as `Upload-Checksum` carries it. */
  digest(): string;
  /** An independent copy of the hash as it is now (to branch a digest off a running one). */
  clone(): IncrementalDigest;
}

/** Computes the digests of the tus checksum extension on this platform. */
export interface ChecksumProvider {
  /** Whether this platform can compute `algorithm`. */
  supports(algorithm: ChecksumAlgorithm): boolean;
  /** The base64 digest of `data`, as `Upload-Checksum` carries it. */
  digest(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<string>;
  /** An incremental digest of `algorithm`; `undefined` when this platform has none. */
  incremental?(algorithm: ChecksumAlgorithm): IncrementalDigest | undefined;
  /**
   * Readies what `incremental(algorithm)` uses (e.g. compiles a WebAssembly hash); awaited
   * once an upload has chosen its algorithm, before it plans its chunks.
   */
  prepare?(algorithm: ChecksumAlgorithm): Promise<void>;
}
