/**
 * A `ChecksumProvider` over Web Crypto (`crypto.subtle.digest`): SHA-1, SHA-256, SHA-512,
 * with incremental forms for chunks too large to hash in one buffer: SHA-1 in WebAssembly
 * (wasm-hashes.ts) once `prepare('sha1')` has loaded it, else SHA-1 and SHA-256 in
 * JavaScript (incremental-hashes.ts). Platform-free: browsers and Node >= 20 both have
 * `globalThis.crypto.subtle`.
 * Checksums need Web Crypto (a secure context); MD5 is not part of it, so `supports('md5')`
 * is false and the uploader answers an explicit `checksum: 'md5'` with a
 * `TusChecksumUnsupportedError` (see docs/browser.md).
 */
import type { ChecksumAlgorithm } from '../types.js';
import type { ChecksumProvider, IncrementalDigest } from './checksum-provider.js';
import {
  createIncrementalHash,
  hasIncrementalHash,
  type IncrementalBytesHash,
} from './incremental-hashes.js';
import { loadWasmSha1, wasmSha1 } from './wasm-hashes.js';

const WEB_CRYPTO_NAMES: Readonly<Partial<Record<ChecksumAlgorithm, string>>> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
};

interface SubtleDigest {
  digest(algorithm: string, data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

function subtle(): SubtleDigest | undefined {
  const crypto = (globalThis as { crypto?: { subtle?: SubtleDigest } }).crypto;
  return crypto?.subtle;
}

/** Base64 of `bytes` without platform helpers (`btoa` works on binary strings). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

export const webCryptoChecksum: ChecksumProvider = {
  supports(algorithm: ChecksumAlgorithm): boolean {
    // Web Crypto exists only in secure contexts (https, localhost); elsewhere: no checksums.
    return WEB_CRYPTO_NAMES[algorithm] !== undefined && subtle() !== undefined;
  },
  async digest(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<string> {
    const name = WEB_CRYPTO_NAMES[algorithm];
    const api = subtle();
    if (name === undefined || api === undefined) {
      throw new RangeError(`checksum ${algorithm} is not available through Web Crypto`);
    }
    // digest() wants an ArrayBuffer-backed view; copy only when `data` is not one.
    const view =
      data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
    return toBase64(new Uint8Array(await api.digest(name, view)));
  },
  incremental(algorithm: ChecksumAlgorithm): IncrementalDigest | undefined {
    if (!this.supports(algorithm) || !hasIncrementalHash(algorithm)) return undefined;
    const wasm = algorithm === 'sha1' ? wasmSha1() : undefined;
    return asDigest(wasm !== undefined ? wasm.create() : createIncrementalHash(algorithm));
  },
  async prepare(algorithm: ChecksumAlgorithm): Promise<void> {
    if (algorithm === 'sha1' && this.supports(algorithm)) await loadWasmSha1();
  },
};

function asDigest(hash: IncrementalBytesHash): IncrementalDigest {
  return {
    update: (data) => hash.update(data),
    digest: () => toBase64(hash.digest()),
    clone: () => asDigest(hash.clone()),
  };
}
