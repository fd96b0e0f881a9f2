/** The browser's fingerprint pieces, run in Node: the JavaScript SHA-256 and FileFingerprint. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { browserFingerprintHash, Sha256 } from '../../src/fingerprint/browser-hash.browser.js';
import { FileFingerprint } from '../../src/fingerprint/file-fingerprint.browser.js';
import { BlobSource } from '../../src/sources/blob-source.js';
import { BufferSource } from '../../src/sources/buffer-source.js';
import { makeBytes } from './helpers/bytes.js';

const context = (input: unknown) => ({
  createHash: browserFingerprintHash,
  filePath: undefined,
  input,
});

describe('Sha256 (JavaScript, incremental)', () => {
  it('equals node:crypto for sizes around the block and padding edges', () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 65_536, 300_001]) {
      const data = makeBytes(size, size + 1);
      const hash = new Sha256();
      hash.update(data);
      assert.equal(hash.digestHex(), createHash('sha256').update(data).digest('hex'), `${size}`);
    }
  });

  it('gives the same digest whatever the pieces it is fed', () => {
    const data = makeBytes(10_000, 5);
    const expected = createHash('sha256').update(data).digest('hex');
    for (const step of [1, 3, 63, 64, 65, 4096]) {
      const hash = new Sha256();
      for (let at = 0; at < data.length; at += step) hash.update(data.subarray(at, at + step));
      assert.equal(hash.digestHex(), expected, `pieces of ${step}`);
    }
  });

  it('digestHex twice gives the same answer; update after it throws', () => {
    const hash = new Sha256();
    hash.update(new TextEncoder().encode('abc'));
    const first = hash.digestHex();
    assert.equal(first, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(hash.digestHex(), first);
    assert.throws(() => hash.update(new Uint8Array(1)), /after digest/);
  });

  it('the browser offers sha256 only (md5 is undefined)', () => {
    assert.ok(browserFingerprintHash('sha256') instanceof Sha256);
    assert.equal(browserFingerprintHash('md5'), undefined);
  });
});

describe('FileFingerprint', () => {
  const bytes = makeBytes(200_000, 9);
  const file = new File([bytes], 'a b.bin', { type: 'application/x-test', lastModified: 1234 });

  it('names a File by name, type, size, lastModified and its first 64 KiB', async () => {
    const fp = await new FileFingerprint().getFingerprint(new BlobSource(file), context(file));
    const head = createHash('sha256').update(bytes.subarray(0, 65_536)).digest('hex');
    assert.equal(
      fp,
      `file:a%20b.bin--type:application/x-test--size:200000--modified:1234--sha256-64k:${head}`,
    );
  });

  it('Files differing only after 64 KiB share one (its limit); lastModified tells apart', async () => {
    const other = bytes.slice();
    other[100_000] = other[100_000]! ^ 1;
    const twin = new File([other], 'a b.bin', { type: 'application/x-test', lastModified: 1234 });
    const f = new FileFingerprint();
    assert.equal(
      await f.getFingerprint(new BlobSource(twin), context(twin)),
      await f.getFingerprint(new BlobSource(file), context(file)),
    );
    const later = new File([bytes], 'a b.bin', { type: 'application/x-test', lastModified: 99 });
    assert.notEqual(
      await f.getFingerprint(new BlobSource(later), context(later)),
      await f.getFingerprint(new BlobSource(file), context(file)),
      'a changed lastModified is another file',
    );
  });

  it('bytes and plain Blobs get the whole-content fingerprint', async () => {
    const whole = createHash('sha256').update(bytes).digest('hex');
    const f = new FileFingerprint();
    assert.equal(
      await f.getFingerprint(new BufferSource(bytes), context(bytes)),
      `size:200000--sha256:${whole}`,
    );
    const blob = new Blob([bytes]);
    assert.equal(
      await f.getFingerprint(new BlobSource(blob), context(blob)),
      `size:200000--sha256:${whole}`,
    );
  });
});
