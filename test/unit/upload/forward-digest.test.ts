/** Hashing ahead of a chunk whose size is not decided yet: any size gets its exact digest. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nodeChecksum } from '../../../src/checksum/node-checksum.node.js';
import { TusInputError } from '../../../src/errors/index.js';
import { ForwardDigest } from '../../../src/upload/forward-digest.js';

const PIECE = 1024;
const data = new Uint8Array(20 * PIECE + 77).map((_, i) => (i * 31 + 7) & 0xff);

function forward(start: number, end: number, source = data, delayMs = 0) {
  let reads = 0;
  const digest = new ForwardDigest({
    start,
    end,
    pieceBytes: PIECE,
    read: async (at, length, into) => {
      reads++;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const bytes = source.subarray(at, Math.min(at + length, source.length));
      if (into === undefined) return Uint8Array.from(bytes);
      into.set(bytes);
      return into.subarray(0, bytes.length);
    },
    createHash: () => nodeChecksum.incremental!('sha1')!,
  });
  return { digest, reads: () => reads };
}

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('base64');

describe('ForwardDigest', () => {
  it('gives the exact digest of any length from its start, whole pieces or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 * PIECE }),
        fc.integer({ min: 0, max: 14 * PIECE }),
        async (start, length) => {
          const { digest } = forward(start, start + 15 * PIECE);
          assert.equal(await digest.digestOf(length), sha1(data.subarray(start, start + length)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('asked early, it waits for the hashing to get there', async () => {
    const { digest } = forward(100, 100 + 12 * PIECE, data, 2);
    assert.equal(await digest.digestOf(12 * PIECE), sha1(data.subarray(100, 100 + 12 * PIECE)));
  });

  it('stops reading ahead once a digest was given', async () => {
    const { digest, reads } = forward(0, 20 * PIECE, data, 1);
    await digest.digestOf(2 * PIECE + 5);
    const after = reads();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.ok(reads() <= after + 1, `${reads()} reads after ${after}`);
  });

  it('a short read is a TusInputError for whoever asks', async () => {
    const short = data.subarray(0, 3 * PIECE);
    const { digest } = forward(0, 10 * PIECE, short);
    await assert.rejects(digest.digestOf(8 * PIECE), TusInputError);
  });

  it('refuses a length beyond its reach', async () => {
    const { digest } = forward(0, 4 * PIECE);
    await assert.rejects(digest.digestOf(5 * PIECE), RangeError);
    digest.stop();
  });
  it('borrows its piece buffers (two, and one for the odd bytes) from the pool given and hands all back', async () => {
    const taken: Uint8Array[] = [];
    const given: Uint8Array[] = [];
    const digest = new ForwardDigest({
      start: 0,
      end: 10 * PIECE,
      pieceBytes: PIECE,
      read: async (at, length, into) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const bytes = data.subarray(at, at + length);
        if (into === undefined) return Uint8Array.from(bytes);
        into.set(bytes);
        return into.subarray(0, length);
      },
      buffers: {
        take: (length) => {
          const buffer = new Uint8Array(length);
          taken.push(buffer);
          return buffer;
        },
        give: (buffer) => given.push(buffer),
      },
      createHash: () => nodeChecksum.incremental!('sha1')!,
    });
    assert.equal(await digest.digestOf(3 * PIECE + 5), sha1(data.subarray(0, 3 * PIECE + 5)));
    // The read in flight when it stopped comes back once it ends.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(taken.length, 3);
    assert.deepEqual(
      new Set(given.map((view) => view.buffer)),
      new Set(taken.map((view) => view.buffer)),
    );
    assert.equal(given.length, 3);
  });

  it('says how long until a length is hashed, at the rate so far (scripted clock)', async () => {
    let clock = 1000;
    let release: () => void = () => {};
    let reads = 0;
    const digest = new ForwardDigest({
      start: 0,
      end: 20 * PIECE,
      pieceBytes: PIECE,
      now: () => clock,
      read: async (at, length) => {
        // Two pieces go at once; the third waits until the test lets it.
        if (++reads > 2) await new Promise<void>((resolve) => (release = resolve));
        return Uint8Array.from(data.subarray(at, at + length));
      },
      createHash: () => nodeChecksum.incremental!('sha1')!,
    });
    assert.equal(digest.msUntil(10 * PIECE), undefined, 'no rate before a piece is hashed');
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(digest.hashed, 2 * PIECE);
    clock += 20; // two pieces in 20 ms: 10 ms a piece
    assert.equal(digest.msUntil(2 * PIECE + 100), 0, 'whole pieces hashed: ready');
    assert.equal(digest.msUntil(10 * PIECE), 80);
    assert.equal(digest.msUntil(21 * PIECE), Number.POSITIVE_INFINITY, 'beyond its reach');
    digest.stop();
    release();
    assert.equal(digest.msUntil(10 * PIECE), Number.POSITIVE_INFINITY, 'stopped short of it');
  });
});
