/**
 * Incremental SHA-1 and SHA-256 for platforms without one (browsers: Web Crypto hashes one
 * buffer at a time), from @noble/hashes (audited, no dependencies; bundled into the
 * browser build). They let a chunk of any size, or a whole `File` for a fingerprint, be
 * hashed a piece at a time in constant memory. SHA-512 is left out (it would add 2 KiB
 * gzipped to the bundle for a rarely chosen algorithm): with it a browser's chunks stay
 * within one Web Crypto digest (4 MiB). Platform-free.
 */
import { sha1 } from '@noble/hashes/legacy';
import { sha256 } from '@noble/hashes/sha2';

export type IncrementalAlgorithm = 'sha1' | 'sha256';

const HASHES = { sha1, sha256 } as const;

/** An incremental hash: `update()` pieces, then `digest()` the bytes; `clone()` branches it. */
export interface IncrementalBytesHash {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
  clone(): IncrementalBytesHash;
}

/** An incremental hash of `algorithm`. */
export function createIncrementalHash(algorithm: IncrementalAlgorithm): IncrementalBytesHash {
  return wrap(HASHES[algorithm].create());
}

function wrap(
  hash: ReturnType<(typeof HASHES)[IncrementalAlgorithm]['create']>,
): IncrementalBytesHash {
  return {
    update: (data) => {
      hash.update(data);
    },
    digest: () => hash.digest(),
    clone: () => wrap(hash.clone()),
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
