/**
 * Incremental SHA-1, SHA-256 and SHA-512 for platforms without one (browsers: Web Crypto
 * hashes one buffer at a time), from @noble/hashes (audited, no dependencies; bundled into
 * the browser build). They let a chunk of any size, or a whole `File` for a fingerprint, be
 * hashed a piece at a time in constant memory. Platform-free.
 */
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha512 } from '@noble/hashes/sha2';

export type IncrementalAlgorithm = 'sha1' | 'sha256' | 'sha512';

const HASHES = { sha1, sha256, sha512 } as const;

/** An incremental hash of `algorithm`: `update()` pieces, then `digest()` the bytes. */
export function createIncrementalHash(algorithm: IncrementalAlgorithm): {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
} {
  const hash = HASHES[algorithm].create();
  return {
    update: (data) => {
      hash.update(data);
    },
    digest: () => hash.digest(),
  };
}

/** Whether `algorithm` has an incremental form here. */
export function hasIncrementalHash(algorithm: string): algorithm is IncrementalAlgorithm {
  return Object.hasOwn(HASHES, algorithm);
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
