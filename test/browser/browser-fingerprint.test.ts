/** The browser's fingerprint pieces, run in Node: the incremental hashes and FileFingerprint. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { createIncrementalHash, toHex } from '../../src/checksum/incremental-hashes.js';
import { browserFingerprintHash } from '../../src/fingerprint/browser-hash.browser.js';
import { FileFingerprint } from '../../src/fingerprint/file-fingerprint.browser.js';
import { BlobSource } from '../../src/sources/blob-source.js';
import { BufferSource } from '../../src/sources/buffer-source.js';
import { makeBytes } from './helpers/bytes.js';

const context = (input: unknown) => ({
  createHash: browserFingerprintHash,
  filePath: undefined,
  input,
});

describe('incremental hashes (@noble/hashes, for browsers)', () => {
  it('equal node:crypto for sizes around the block and padding edges', () => {
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      for (const size of [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 300_001]) {
        const data = makeBytes(size, size + 1);
        const hash = createIncrementalHash(algorithm);
        hash.update(data);
        const expected = createHash(algorithm).update(data).digest('hex');
        assert.equal(toHex(hash.digest()), expected, `${algorithm} of ${size} B`);
      }
    }
  });

  it('give the same digest whatever the pieces they are fed', () => {
    const data = makeBytes(10_000, 5);
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      const expected = createHash(algorithm).update(data).digest('hex');
      for (const step of [1, 3, 63, 64, 65, 4096]) {
        const hash = createIncrementalHash(algorithm);
        for (let at = 0; at < data.length; at += step) hash.update(data.subarray(at, at + step));
        assert.equal(toHex(hash.digest()), expected, `${algorithm} in pieces of ${step}`);
      }
    }
  });

  it('the fingerprint hash: sha256 only (md5 is undefined); digestHex twice is the same', () => {
    const hash = browserFingerprintHash('sha256');
    assert.ok(hash !== undefined);
    hash.update(new TextEncoder().encode('abc'));
    const first = hash.digestHex();
    assert.equal(first, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(hash.digestHex(), first);
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
