/**
 * A page whose Content-Security-Policy forbids WebAssembly: compiling the hash fails, and
 * SHA-1 chunks are hashed in JavaScript instead, with the same digests. (Its own file: the
 * WebAssembly hash is made once per process.)
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadWasmSha1, wasmSha1 } from '../../../src/checksum/wasm-hashes.js';
import { webCryptoChecksum } from '../../../src/checksum/web-crypto-checksum.js';

describe('WebAssembly refused', () => {
  it('falls back to the JavaScript SHA-1', async () => {
    const compile = WebAssembly.compile;
    let attempts = 0;
    WebAssembly.compile = () => {
      attempts++;
      return Promise.reject(
        new WebAssembly.CompileError("refused by Content-Security-Policy: 'wasm-unsafe-eval'"),
      );
    };
    try {
      await webCryptoChecksum.prepare!('sha1');
      assert.equal(attempts, 1, 'the WebAssembly hash was tried');
      assert.equal(await loadWasmSha1(), undefined);
      assert.equal(wasmSha1(), undefined);
      const data = new Uint8Array(2 * 1024 * 1024 + 3).map((_, i) => (i * 13) & 0xff);
      const digest = webCryptoChecksum.incremental!('sha1')!;
      digest.update(data.subarray(0, 1024 * 1024));
      digest.update(data.subarray(1024 * 1024));
      assert.equal(digest.digest(), createHash('sha1').update(data).digest('base64'));
    } finally {
      WebAssembly.compile = compile;
    }
  });
});
