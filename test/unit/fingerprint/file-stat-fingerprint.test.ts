/** `FileStatFingerprint`: ready without reading the whole file, and different for a changed one. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FILE_STAT_SAMPLE } from '../../../src/fingerprint/file-stat-fingerprint.node.js';
import {
  FileStatFingerprint,
  type FingerprintContext,
  type FingerprintSource,
  parseFileStatFingerprint,
} from '../../../src/index.node.js';

/** A file as a `FingerprintSource` that counts the bytes read. */
async function fingerprintOf(path: string): Promise<{ fingerprint: string; bytesRead: number }> {
  const handle = await open(path, 'r');
  let bytesRead = 0;
  try {
    const { size } = await handle.stat();
    const source: FingerprintSource = {
      size,
      seekable: true,
      async read(offset, length) {
        const buffer = Buffer.alloc(Math.min(length, size - offset));
        const { bytesRead: n } = await handle.read(buffer, 0, buffer.length, offset);
        bytesRead += n;
        return buffer.subarray(0, n);
      },
    };
    const context: FingerprintContext = {
      filePath: path,
      input: undefined,
      createHash: (algorithm) => {
        const hash = createHash(algorithm);
        return { update: (data) => hash.update(data), digestHex: () => hash.digest('hex') };
      },
    };
    const fingerprint = await new FileStatFingerprint().getFingerprint(source, context);
    assert.ok(fingerprint);
    return { fingerprint, bytesRead };
  } finally {
    await handle.close();
  }
}

describe('FileStatFingerprint', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ru-fp-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads three samples of a big file, not the whole of it', async () => {
    const path = join(dir, 'big.bin');
    await writeFile(path, Buffer.alloc(8 * 1024 * 1024, 7));
    const first = await fingerprintOf(path);
    assert.equal(first.bytesRead, 3 * FILE_STAT_SAMPLE);
    assert.equal((await fingerprintOf(path)).fingerprint, first.fingerprint, 'stable');
    assert.deepEqual(parseFileStatFingerprint(first.fingerprint), {
      path,
      size: 8 * 1024 * 1024,
    });
  });

  it('a change inside a sample that keeps size and mtime changes the fingerprint', async () => {
    const path = join(dir, 'edited.bin');
    const bytes = Buffer.alloc(1024 * 1024, 1);
    await writeFile(path, bytes);
    const when = new Date('2024-01-01T00:00:00Z');
    await utimes(path, when, when);
    const before = await fingerprintOf(path);
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from([9]), 0, 1, bytes.length - 10);
    await handle.close();
    await utimes(path, when, when);
    assert.notEqual((await fingerprintOf(path)).fingerprint, before.fingerprint);
  });

  it('touching a file changes the fingerprint; a small file is hashed whole', async () => {
    const path = join(dir, 'small; odd=name.txt');
    await writeFile(path, 'hello');
    const first = await fingerprintOf(path);
    assert.equal(first.bytesRead, 5);
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    assert.notEqual((await fingerprintOf(path)).fingerprint, first.fingerprint);
    assert.equal(parseFileStatFingerprint(first.fingerprint)?.path, path);
    assert.equal(parseFileStatFingerprint('size:5--sha256:abc'), undefined);
  });
});
