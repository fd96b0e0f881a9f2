/**
 * The WebAssembly SHA-1 (hash-wasm) behind browser chunk digests: many hashes and their
 * clones share one hasher, each with its own state, so interleaving them must not mix
 * their bytes. Checked against node:crypto.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadWasmSha1, wasmSha1 } from '../../../src/checksum/wasm-hashes.js';
import { webCryptoChecksum } from '../../../src/checksum/web-crypto-checksum.js';

const sha1 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return Buffer.from(hash.digest());
};

describe('WebAssembly SHA-1', () => {
  it('is made once and then handed out synchronously', async () => {
    const first = await loadWasmSha1();
    assert.ok(first, 'WebAssembly runs in Node');
    assert.equal(await loadWasmSha1(), first);
    assert.equal(wasmSha1(), first);
  });

  it('keeps interleaved hashes and clones apart (any order of updates)', async () => {
    const wasm = (await loadWasmSha1())!;
    await fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3), fc.uint8Array({ maxLength: 300 })), { maxLength: 30 }),
        fc.nat(29),
        (steps, cloneAt) => {
          const hashes = [0, 1, 2, 3].map(() => wasm.create());
          const fed: Uint8Array[][] = [[], [], [], []];
          let clone:
            | { hash: ReturnType<typeof wasm.create>; of: number; fed: Uint8Array[] }
            | undefined;
          steps.forEach(([which, bytes], step) => {
            hashes[which]!.update(bytes);
            fed[which]!.push(bytes);
            if (step === cloneAt)
              clone = { hash: hashes[which]!.clone(), of: which, fed: [...fed[which]!] };
          });
          if (clone !== undefined) {
            const extra = Uint8Array.of(1, 2, 3);
            clone.hash.update(extra);
            assert.deepEqual(Buffer.from(clone.hash.digest()), sha1(...clone.fed, extra));
          }
          for (const [i, hash] of hashes.entries()) {
            assert.deepEqual(Buffer.from(hash.digest()), sha1(...fed[i]!));
          }
        },
      ),
    );
  });

  it('is what the Web Crypto provider hashes SHA-1 chunks with once prepared', async () => {
    await webCryptoChecksum.prepare!('sha1');
    const data = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => (i * 7) & 0xff);
    const digest = webCryptoChecksum.incremental!('sha1')!;
    for (let at = 0; at < data.length; at += 1024 * 1024)
      digest.update(data.subarray(at, at + 1024 * 1024));
    assert.equal(digest.digest(), sha1(data).toString('base64'));
    assert.equal(await webCryptoChecksum.digest('sha1', data), sha1(data).toString('base64'));
  });
});
