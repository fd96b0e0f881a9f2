/** The pipeline's buffer pool: reuse, size classes for Blobs, and a full pool keeping its largest. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool } from '../../../src/upload/buffer-pool.js';

const MiB = 1024 * 1024;

describe('BufferPool', () => {
  it('hands a buffer back out: the smallest free one that fits', () => {
    const pool = new BufferPool(false);
    const small = pool.take(MiB);
    const large = pool.take(3 * MiB);
    pool.give(large);
    pool.give(small);
    assert.equal(pool.take(MiB / 2).buffer, small.buffer);
    assert.equal(pool.take(2 * MiB).buffer, large.buffer);
    assert.equal(pool.take(2 * MiB).byteLength, 2 * MiB, 'none free: a new one, of the size asked');
  });

  it('with size classes, new buffers are powers of two, so nearby sizes share them', () => {
    const pool = new BufferPool(true);
    const first = pool.take(3 * MiB + 1234);
    assert.equal(first.byteLength, 4 * MiB);
    pool.give(first.subarray(0, 10));
    assert.equal(pool.take(3 * MiB + 999_999).buffer, first.buffer);
    assert.equal(pool.take(1000).byteLength, 1000, 'small reads are not rounded');
  });

  it('a full pool keeps its largest buffers (no new buffer per large chunk)', () => {
    const pool = new BufferPool(false);
    const pieces = [1, 2, 3, 4].map(() => pool.take(MiB));
    for (const piece of pieces) pool.give(piece);
    const chunk = new Uint8Array(4 * MiB);
    pool.give(chunk);
    assert.equal(pool.take(4 * MiB).buffer, chunk.buffer);
    // Three pieces stayed, one went for the larger buffer.
    const kept = [pool.take(MiB), pool.take(MiB), pool.take(MiB)];
    assert.equal(kept.filter((b) => pieces.some((p) => p.buffer === b.buffer)).length, 3);
    for (const buffer of [chunk, ...kept]) pool.give(buffer);
    pool.give(new Uint8Array(MiB / 2));
    assert.equal(pool.take(MiB / 4).byteLength, MiB, 'a smaller one than all kept was dropped');
  });

  it('memory transferred away is not kept', () => {
    const pool = new BufferPool(false);
    const buffer = pool.take(MiB);
    structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
    pool.give(buffer);
    assert.notEqual(pool.take(MiB).buffer, buffer.buffer);
  });
});
