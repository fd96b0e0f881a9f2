/** The pure parts of parallel uploads: ranges, slices, summed progress, all-or-stop runs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BufferSource } from '../../../src/sources/buffer-source.js';
import type { UploadStats } from '../../../src/types.js';
import { checkBoundaries, splitRanges } from '../../../src/upload/boundaries.js';
import { ParallelProgress } from '../../../src/upload/parallel-progress.js';
import { runAllOrStop, SiblingFailed } from '../../../src/upload/parallel-run.js';
import { sliceSource } from '../../../src/upload/parallel-source.js';

describe('splitRanges', () => {
  it('contiguous ranges covering [0, size), lengths within one byte, never empty (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 64 }),
        (size, parts) => {
          const ranges = splitRanges(size, parts);
          assert.equal(ranges.length, Math.min(size, parts));
          assert.equal(ranges[0]?.start, 0);
          assert.equal(ranges.at(-1)?.end, size);
          const lengths = ranges.map((r) => r.end - r.start);
          assert.ok(Math.max(...lengths) - Math.min(...lengths) <= 1);
          assert.ok(Math.min(...lengths) >= 1);
          for (let i = 1; i < ranges.length; i++)
            assert.equal(ranges[i]?.start, ranges[i - 1]?.end);
          // What splitRanges makes, checkBoundaries accepts.
          assert.deepEqual(checkBoundaries(ranges, size), ranges);
        },
      ),
    );
  });

  it('an empty input is one empty range', () => {
    assert.deepEqual(splitRanges(0, 4), [{ start: 0, end: 0 }]);
    assert.deepEqual(checkBoundaries([{ start: 0, end: 0 }], 0), [{ start: 0, end: 0 }]);
    assert.throws(() => checkBoundaries([{ start: 0, end: 1 }], 0), RangeError);
  });

  it('checkBoundaries rejects overlaps, gaps, empty and reversed ranges', () => {
    const cases: [unknown, RegExp][] = [
      [
        [
          { start: 0, end: 6 },
          { start: 5, end: 10 },
        ],
        /\[1\]\.start must be 6/,
      ],
      [
        [
          { start: 0, end: 4 },
          { start: 5, end: 10 },
        ],
        /\[1\]\.start must be 4/,
      ],
      [
        [
          { start: 0, end: 0 },
          { start: 0, end: 10 },
        ],
        /\[0\] is empty/,
      ],
      [[{ start: 0, end: 11 }], /past the input's 10 bytes/],
      [[{ start: 0, end: 9 }], /last end must be 10/],
      [[{ start: 0, end: '10' }], /\[0\]\.end must be a number/],
      [[null], /\[0\] must be an object/],
    ];
    for (const [value, pattern] of cases) {
      assert.throws(() => checkBoundaries(value, 10), pattern);
    }
  });
});

describe('sliceSource', () => {
  it('reads only its range, with read and readInto, and leaves the source open', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const source = new BufferSource(bytes);
    const slice = sliceSource(source, { start: 30, end: 50 });
    assert.equal(slice.size, 20);
    assert.deepEqual(await slice.read(0, 5), bytes.slice(30, 35));
    assert.deepEqual(await slice.read(15, 100), bytes.slice(45, 50));
    assert.equal((await slice.read(20, 5)).byteLength, 0);
    await slice.close();
    // A source that reads into the caller's buffer (as files do): the slice does too.
    const into = sliceSource(
      {
        size: 100,
        seekable: true,
        read: (offset, length) => source.read(offset, length),
        readInto: async (offset, target) => {
          const part = await source.read(offset, target.byteLength);
          target.set(part);
          return target.subarray(0, part.byteLength);
        },
        close: async () => {},
      },
      { start: 30, end: 50 },
    );
    assert.ok(into.readInto !== undefined);
    assert.deepEqual(await into.readInto(18, new Uint8Array(10)), bytes.slice(48, 50));
    assert.deepEqual(await into.readInto(0, new Uint8Array(3)), bytes.slice(30, 33));
    assert.deepEqual(await source.read(0, 2), bytes.slice(0, 2));
  });
});

describe('ParallelProgress', () => {
  const stats = (bytesUploaded: number, totalBytes: number, speed: number): UploadStats => ({
    bytesUploaded,
    bytesSent: bytesUploaded,
    protocol: 'tus-v1',
    chunkSize: 1024,
    retry: undefined,
    totalBytes,
    startOffset: 0,
    chunksCompleted: 1,
    retries: 1,
    bytesResent: 2,
    elapsedMs: 5,
    bytesPerSecond: speed,
    etaMs: undefined,
    checksumAlgorithm: 'sha1',
    uploadUrl: 'http://x/p',
  });

  it('sums the partials; finished partials add no speed', () => {
    let now = 0;
    const progress = new ParallelProgress(3, 300, () => now);
    progress.update(0, stats(100, 100, 50));
    progress.update(2, stats(20, 100, 10));
    now = 1000;
    const s = progress.snapshot();
    assert.equal(s.bytesUploaded, 120);
    assert.equal(s.totalBytes, 300);
    assert.equal(s.chunksCompleted, 2);
    assert.equal(s.retries, 2);
    assert.equal(s.bytesResent, 4);
    assert.equal(s.bytesPerSecond, 10);
    assert.equal(s.etaMs, 18_000);
    assert.equal(s.elapsedMs, 1000);
    assert.equal(s.uploadUrl, undefined);
    assert.throws(() => progress.update(3, stats(1, 1, 1)), RangeError);
  });
});

describe('runAllOrStop', () => {
  it('resolves every result in order', async () => {
    const results = await runAllOrStop(
      [async () => 1, async () => 2, async () => 3],
      undefined,
      () => new Error('unused'),
    );
    assert.deepEqual(results, [1, 2, 3]);
  });

  it('the first failure aborts the siblings and rejects only after they settled', async () => {
    const settled: string[] = [];
    const sibling = (name: string) => (signal: AbortSignal) =>
      new Promise<string>((_, reject) => {
        signal.addEventListener('abort', () => {
          // Settles later than the abort itself.
          setTimeout(() => {
            settled.push(name);
            reject(signal.reason);
          }, 20);
        });
      });
    const boom = new Error('boom');
    await assert.rejects(
      runAllOrStop(
        [
          sibling('a'),
          async () => {
            throw boom;
          },
          sibling('c'),
        ],
        undefined,
        (failure) => {
          assert.equal(failure.index, 1);
          assert.equal(failure.error, boom);
          return new Error('whole');
        },
      ),
      /whole/,
    );
    assert.deepEqual(settled.sort(), ['a', 'c']);
  });

  it('the outer signal aborts every task', async () => {
    const controller = new AbortController();
    const reasons: unknown[] = [];
    const task = (signal: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => {
          reasons.push(signal.reason);
          reject(signal.reason);
        }),
      );
    const run = runAllOrStop([task, task], controller.signal, (failure) => failure.error);
    controller.abort(new Error('user'));
    await assert.rejects(run, /user/);
    assert.equal(reasons.length, 2);
    assert.ok(!(reasons[0] instanceof SiblingFailed));
  });
});
