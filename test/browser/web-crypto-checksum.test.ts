/** The Web Crypto checksum provider, run in Node (which has `globalThis.crypto.subtle`). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { toBase64, webCryptoChecksum } from '../../src/checksum/web-crypto-checksum.js';
import type { ChecksumAlgorithm } from '../../src/types.js';

function pattern(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

describe('webCryptoChecksum', () => {
  it('supports sha1, sha256 and sha512, not md5', () => {
    assert.equal(webCryptoChecksum.supports('sha1'), true);
    assert.equal(webCryptoChecksum.supports('sha256'), true);
    assert.equal(webCryptoChecksum.supports('sha512'), true);
    assert.equal(webCryptoChecksum.supports('md5'), false);
  });

  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    it(`${algorithm} equals node:crypto's base64 digest`, async () => {
      for (const size of [0, 1, 1000, 300_000]) {
        const data = pattern(size);
        const expected = createHash(algorithm).update(data).digest('base64');
        assert.equal(await webCryptoChecksum.digest(algorithm, data), expected, `size ${size}`);
      }
    });
  }

  it('hashes only the view it is given, not the whole underlying buffer', async () => {
    const whole = pattern(10_000);
    const view = whole.subarray(1234, 5678);
    const expected = createHash('sha256').update(view).digest('base64');
    assert.equal(await webCryptoChecksum.digest('sha256', view), expected);
  });

  it('md5 is refused with a RangeError naming it', async () => {
    await assert.rejects(
      webCryptoChecksum.digest('md5' as ChecksumAlgorithm, pattern(10)),
      (e: unknown) => e instanceof RangeError && /md5/.test(e.message),
    );
  });

  it('toBase64 matches Buffer for sizes across its 32 KiB step', () => {
    for (const size of [0, 1, 2, 3, 0x8000, 0x8001, 100_000]) {
      const data = pattern(size);
      assert.equal(toBase64(data), Buffer.from(data).toString('base64'), `size ${size}`);
    }
  });
});
