import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CallableFingerprint,
  Fingerprint,
  type FingerprintContext,
  type FingerprintSource,
  PartialMD5Fingerprint,
} from '../../../src/fingerprint/fingerprinter.js';
import { nodeFingerprintHash } from '../../../src/fingerprint/node-hash.node.js';
import { BlobSource } from '../../../src/sources/blob-source.js';
import { BufferSource } from '../../../src/sources/buffer-source.js';
import { FileSource } from '../../../src/sources/file-source.node.js';
import { StreamSource } from '../../../src/sources/stream-source.js';

const context: FingerprintContext = {
  createHash: nodeFingerprintHash,
  filePath: undefined,
  input: undefined,
};

/** Bytes i % 251, the pattern of the pinned vectors (computed with Python's hashlib). */
function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

/** A source that records every read and the largest one. */
function recording(data: Uint8Array): FingerprintSource & { reads: number; largest: number } {
  const source = {
    size: data.length,
    seekable: true,
    reads: 0,
    largest: 0,
    async read(offset: number, length: number) {
      source.reads++;
      source.largest = Math.max(source.largest, length);
      return data.subarray(offset, offset + length);
    },
  };
  return source;
}

describe('Fingerprint (SHA-256 of the whole content plus size)', () => {
  it('matches known vectors', async () => {
    const fp = new Fingerprint();
    assert.equal(
      await fp.getFingerprint(new BufferSource(new TextEncoder().encode('abc')), context),
      'size:3--sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(
      await fp.getFingerprint(new BufferSource(new Uint8Array(0)), context),
      'size:0--sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.equal(
      await fp.getFingerprint(new BufferSource(pattern(200_000)), context),
      'size:200000--sha256:e24bc62381f1224fbbb74688663f8f9743b9680b193edd666835e97b06e730eb',
    );
  });

  it('streams a file in blocks of at most 1 MiB (constant memory)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fingerprint-'));
    try {
      const length = 3 * 1024 * 1024 + 5;
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + 3) % 256);
      const path = join(dir, 'big.bin');
      await writeFile(path, bytes);
      const file = await FileSource.open(path);
      try {
        assert.equal(
          await new Fingerprint().getFingerprint(file, context),
          `size:${length}--sha256:8e412f5c2133ab91c007c92ac99185bd7aeb01a1b4fc67f38cb9d9052f614a3f`,
        );
      } finally {
        await file.close();
      }
      const counted = recording(bytes);
      await new Fingerprint().getFingerprint(counted, context);
      assert.equal(counted.largest, 1024 * 1024);
      assert.equal(counted.reads, 4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a Blob over 1 MiB (issue 25.9): a BYOB read moves the block, the next read uses it', async () => {
    const length = 2 * 1024 * 1024 + 17;
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 13 + 5) % 256);
    const expected = `size:${length}--sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    assert.equal(
      await new Fingerprint().getFingerprint(new BlobSource(new Blob([bytes])), context),
      expected,
    );
    // A readInto that transfers `target`'s memory as a BYOB read does: every block is one
    // memory, moved from read to read, never a detached view read into again.
    const sizes: number[] = [];
    const moving: FingerprintSource = {
      size: length,
      seekable: true,
      read: async (offset, want) => bytes.slice(offset, offset + want),
      async readInto(offset, target) {
        assert.ok(target.byteLength > 0, 'read into a detached block');
        const want = Math.min(target.byteLength, length - offset);
        const moved = structuredClone(target.buffer, { transfer: [target.buffer] });
        sizes.push(moved.byteLength);
        const view = new Uint8Array(moved, target.byteOffset, want);
        view.set(bytes.subarray(offset, offset + want));
        return view;
      },
    };
    assert.equal(await new Fingerprint().getFingerprint(moving, context), expected);
    // Three reads, each into the one 1 MiB block (constant memory).
    assert.deepEqual(sizes, [1024 * 1024, 1024 * 1024, 1024 * 1024]);
  });

  it('gives no fingerprint for a stream (reading it would consume the upload)', async () => {
    const stream = new StreamSource(
      (async function* () {
        yield new Uint8Array([1, 2, 3]);
      })(),
      3,
    );
    assert.equal(await new Fingerprint().getFingerprint(stream, context), undefined);
    assert.equal(await new PartialMD5Fingerprint().getFingerprint(stream, context), undefined);
  });

  it('says clearly when the platform has no such hash', async () => {
    await assert.rejects(
      new Fingerprint().getFingerprint(new BufferSource(pattern(10)), {
        ...context,
        createHash: () => undefined,
      }),
      { code: 'TUS_ERR_INPUT', message: /sha256 is not available.*CallableFingerprint/ },
    );
  });
});

describe('PartialMD5Fingerprint (the Python client format)', () => {
  it('hashes the first 64 KiB only, plus the whole size', async () => {
    const fp = new PartialMD5Fingerprint();
    assert.equal(
      await fp.getFingerprint(new BufferSource(new TextEncoder().encode('abc')), context),
      'size:3--md5:900150983cd24fb0d6963f7d28e17f72',
    );
    const source = recording(pattern(200_000));
    assert.equal(
      await fp.getFingerprint(source, context),
      'size:200000--md5:9cc60713923528a1dd94e1c1ab0ebc9e',
    );
    assert.equal(source.largest, 65_536);
    assert.equal(source.reads, 1);
  });

  it('two inputs that differ after 64 KiB share a fingerprint (documented trade-off)', async () => {
    const a = pattern(70_000);
    const b = Uint8Array.from(a);
    b[69_999] = (b[69_999] ?? 0) ^ 1;
    const fp = new PartialMD5Fingerprint();
    assert.equal(
      await fp.getFingerprint(new BufferSource(a), context),
      await fp.getFingerprint(new BufferSource(b), context),
    );
    assert.notEqual(
      await new Fingerprint().getFingerprint(new BufferSource(a), context),
      await new Fingerprint().getFingerprint(new BufferSource(b), context),
    );
  });
});

describe('CallableFingerprint', () => {
  it('passes the source and the context to the function', async () => {
    const seen: unknown[] = [];
    const fp = new CallableFingerprint((source, ctx) => {
      seen.push(source.size, ctx.filePath);
      return `custom:${source.size}`;
    });
    const result = await fp.getFingerprint(new BufferSource(pattern(9)), {
      ...context,
      filePath: 'a.bin',
    });
    assert.equal(result, 'custom:9');
    assert.deepEqual(seen, [9, 'a.bin']);
  });

  it('may name a stream; async functions work', async () => {
    const fp = new CallableFingerprint(async () => 'stream-42');
    const stream = new StreamSource((async function* () {})(), 0);
    assert.equal(await fp.getFingerprint(stream, context), 'stream-42');
  });

  it('rejects a non-function and a bad return value', async () => {
    assert.throws(() => new CallableFingerprint('x' as never), TypeError);
    const bad = new CallableFingerprint(() => '' as string);
    await assert.rejects(bad.getFingerprint(new BufferSource(pattern(1)), context), TypeError);
    const number = new CallableFingerprint(() => 7 as never);
    await assert.rejects(number.getFingerprint(new BufferSource(pattern(1)), context), TypeError);
  });
});
