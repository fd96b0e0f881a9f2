/**
 * The chunk sizing policies against scripted timings (no clock, no network): what the
 * adaptive size does on fast, slow and failing links, with 413s and bounds, and that a
 * fixed size never moves.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AdaptiveChunkSize,
  DEFAULT_MAX_CHUNK,
  FIRST_CHUNK,
  FixedChunkSize,
  MAX_CHUNK_MS,
  MIN_CHUNK,
  ServerChunkLimits,
  SLOW_LINK_CHUNK,
} from '../../../src/upload/chunk-sizing.js';

const MiB = 1024 * 1024;

/** Sends `count` chunks over a link of `rate` bytes/ms and `rtt` ms; returns the sizes used. */
function run(sizer: AdaptiveChunkSize, rate: number, rtt: number, count: number): number[] {
  sizer.roundTrip(rtt);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const size = sizer.next(Number.POSITIVE_INFINITY);
    sizes.push(size);
    sizer.chunkDone(size, rtt + size / rate);
  }
  return sizes;
}

describe('FixedChunkSize', () => {
  it('is the size given, whatever happens (the seed rule; a 413 is final)', () => {
    const sizer = new FixedChunkSize(256 * 1024);
    sizer.roundTrip(100);
    sizer.chunkDone(256 * 1024, 60_000);
    sizer.chunkFailed();
    assert.equal(sizer.tooLarge(256 * 1024), false);
    assert.equal(sizer.next(Number.POSITIVE_INFINITY), 256 * 1024);
    assert.equal(sizer.next(1000), 1000);
    assert.equal(sizer.expectedNext(256 * 1024, 10 * MiB), 256 * 1024);
  });
});

describe('AdaptiveChunkSize', () => {
  it('starts at the seed 1 MiB', () => {
    assert.equal(new AdaptiveChunkSize().next(Number.POSITIVE_INFINITY), FIRST_CHUNK);
    assert.equal(FIRST_CHUNK, MiB);
  });

  it('grows on a link where the round trip dominates (RTT 50 ms, 200 Mbit/s)', () => {
    const rate = 200e6 / 8 / 1000; // bytes per ms
    const sizes = run(new AdaptiveChunkSize(), rate, 50, 4);
    assert.equal(sizes[0], MiB);
    assert.ok(sizes[1]! > 16 * MiB, `second chunk ${sizes[1]}`);
    // Each grown chunk spends under ~5 % of its time on the round trip.
    for (const size of sizes.slice(1)) {
      const overhead = 50 / (50 + size / rate);
      assert.ok(overhead < 0.05, `overhead ${overhead} at ${size}`);
    }
  });

  it('keeps the round-trip share small on every link of the bench', () => {
    for (const [mbit, rtt] of [
      [1000, 10],
      [200, 50],
      [50, 100],
    ] as const) {
      const rate = (mbit * 1e6) / 8 / 1000;
      const sizes = run(new AdaptiveChunkSize(), rate, rtt, 6);
      const last = sizes.at(-1)!;
      const overhead = rtt / (rtt + last / rate);
      const seconds = last / rate / 1000;
      // Under ~5 % overhead unless the chunk would then last more than MAX_CHUNK_MS.
      assert.ok(
        overhead < 0.05 || seconds >= (MAX_CHUNK_MS / 1000) * 0.9,
        `${mbit} Mbit/s, RTT ${rtt}: ${last} B, overhead ${overhead}`,
      );
      assert.ok(last <= DEFAULT_MAX_CHUNK);
    }
  });

  it('issue 26, far links: at RTT 300 ms / 50 Mbit/s and 600 ms / 20 Mbit/s chunks grow past 4 s until the round trip is ~2 %', () => {
    for (const [rtt, mbit] of [
      [300, 50],
      [600, 20],
    ] as const) {
      const rate = (mbit * 1e6) / 8 / 1000;
      const last = run(new AdaptiveChunkSize(), rate, rtt, 5).at(-1)!;
      const overhead = rtt / (rtt + last / rate);
      assert.ok(
        overhead <= 0.021 || last === DEFAULT_MAX_CHUNK,
        `RTT ${rtt}: ${last} B, round trip ${(overhead * 100).toFixed(1)} % of the chunk`,
      );
      assert.ok(last / rate > MAX_CHUNK_MS, `RTT ${rtt}: ${last / rate} ms`);
    }
  });

  it('on a slow uplink a chunk lasts at most a few seconds, and may go under 1 MiB', () => {
    const rate = 2e6 / 8 / 1000; // 2 Mbit/s
    const sizes = run(new AdaptiveChunkSize(), rate, 60, 4);
    const later = sizes.slice(1);
    for (const size of later) {
      assert.ok(size / rate <= MAX_CHUNK_MS * 1.01, `${size} B takes ${size / rate} ms`);
      assert.ok(size >= SLOW_LINK_CHUNK);
    }
    assert.ok(later.some((size) => size < MIN_CHUNK));
  });

  it('never goes under 1 MiB on a fast link, however short the round trip', () => {
    const sizes = run(new AdaptiveChunkSize(), 1e6, 0.05, 5);
    assert.ok(sizes.every((size) => size >= MIN_CHUNK));
  });

  it('shrinks (halves) after a failure, not under the floor', () => {
    const sizer = new AdaptiveChunkSize();
    run(sizer, 25_000, 50, 3);
    const before = sizer.current;
    sizer.chunkFailed();
    assert.equal(sizer.current, Math.floor(before / 2));
    for (let i = 0; i < 20; i++) sizer.chunkFailed();
    assert.equal(sizer.current, MIN_CHUNK);
  });

  it('shrinks at once after a chunk that took far too long', () => {
    const sizer = new AdaptiveChunkSize();
    sizer.roundTrip(50);
    sizer.chunkDone(MiB, 60); // fast: grows
    const grown = sizer.current;
    assert.ok(grown > 8 * MiB);
    sizer.chunkDone(grown, 10 * MAX_CHUNK_MS); // the link slowed down a lot
    assert.ok(sizer.current < grown / 4, `${sizer.current} after ${grown}`);
  });

  it('obeys maxChunkSize and an input limit (a stream buffer)', () => {
    const capped = run(new AdaptiveChunkSize({ max: 4 * MiB }), 1e6, 50, 5);
    assert.ok(capped.every((size) => size <= 4 * MiB));
    assert.equal(capped.at(-1), 4 * MiB);
    const stream = run(new AdaptiveChunkSize({ inputMax: 16 * MiB }), 1e6, 50, 5);
    assert.ok(stream.every((size) => size <= 16 * MiB));
  });

  it('a 413 shrinks the chunk below the refused size, for every uploader of that server', () => {
    const limits = new ServerChunkLimits();
    const server = { key: 'http://tus.test', limits };
    const sizer = new AdaptiveChunkSize({ server });
    run(sizer, 1e5, 50, 3);
    const refused = sizer.current;
    assert.equal(sizer.tooLarge(refused), true);
    assert.ok(sizer.current < refused);
    // Growing again stays under what was refused.
    run(sizer, 1e6, 50, 5);
    assert.ok(sizer.current < refused);
    // A new uploader of the same server starts under it too; another server does not care.
    const next = new AdaptiveChunkSize({ server });
    run(next, 1e6, 50, 5);
    assert.ok(next.current < refused);
    const other = new AdaptiveChunkSize({ server: { key: 'http://other.test', limits } });
    run(other, 1e6, 50, 5);
    assert.ok(other.current >= refused);
  });

  it('a server that refuses anything over 100 KiB: sizes go down to what it takes', () => {
    const sizer = new AdaptiveChunkSize();
    let size = sizer.next(Number.POSITIVE_INFINITY);
    let refusals = 0;
    while (size > 100 * 1024 && refusals < 32) {
      assert.equal(sizer.tooLarge(size), true);
      refusals++;
      size = sizer.next(Number.POSITIVE_INFINITY);
    }
    assert.ok(size <= 100 * 1024, `ends at ${size} after ${refusals}`);
    assert.ok(refusals <= 10, `${refusals} refusals`);
  });

  it('a round trip inflated by a connection set-up is corrected by two chunks of different sizes', () => {
    const rate = 6250; // 50 Mbit/s, bytes per ms
    const rtt = 100;
    const sizer = new AdaptiveChunkSize();
    sizer.roundTrip(3 * rtt); // the creation paid TCP + a preflight: three round trips
    sizer.chunkDone(MiB, rtt + MiB / rate);
    sizer.chunkDone(sizer.current, rtt + sizer.current / rate);
    sizer.chunkDone(sizer.current, rtt + sizer.current / rate);
    // With the round trip right again, the chunk lasts what a 2 % round-trip share needs (or
    // the time cap, whichever is longer), not what three round trips would.
    const needed = Math.max(MAX_CHUNK_MS, (rtt * 0.98) / 0.02);
    assert.ok(sizer.current / rate <= needed * 1.05, `${sizer.current / rate} ms`);
  });

  it('cannot foresee the next size before a rate is known', () => {
    const sizer = new AdaptiveChunkSize();
    sizer.roundTrip(50);
    assert.equal(sizer.expectedNext(MiB, 64 * MiB), undefined);
    sizer.chunkDone(MiB, 90);
    assert.ok(sizer.expectedNext(sizer.current, 64 * MiB)! >= sizer.current);
  });

  it('sends a short tail with the chunk before (no tiny last chunk)', () => {
    const sizer = new AdaptiveChunkSize();
    assert.equal(sizer.next(MiB + 1000), MiB + 1000);
    assert.equal(sizer.next(2 * MiB), MiB);
    assert.equal(sizer.next(500), 500);
  });

  it('expectedNext is what next() gives once the chunk succeeds as the model expects', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 10, max: 1e6, noNaN: true }),
        fc.double({ min: 0.1, max: 200, noNaN: true }),
        (rate, rtt) => {
          const a = new AdaptiveChunkSize();
          const b = new AdaptiveChunkSize();
          run(a, rate, rtt, 2);
          run(b, rate, rtt, 2);
          const size = a.next(Number.POSITIVE_INFINITY);
          const expected = a.expectedNext(size, Number.POSITIVE_INFINITY);
          assert.ok(expected !== undefined);
          assert.equal(a.current, b.current, 'expectedNext changes nothing');
          b.chunkDone(size, rtt + size / rate);
          assert.equal(expected, b.next(Number.POSITIVE_INFINITY));
        },
      ),
    );
  });

  it('any sequence of events keeps the size within its bounds', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('rtt' as const),
              ms: fc.double({ min: 0, max: 5000, noNaN: true }),
            }),
            fc.record({
              kind: fc.constant('done' as const),
              ms: fc.double({ min: 0, max: 120_000, noNaN: true }),
            }),
            fc.record({ kind: fc.constant('fail' as const) }),
          ),
          { maxLength: 40 },
        ),
        (events) => {
          const sizer = new AdaptiveChunkSize({ max: 32 * MiB });
          for (const event of events) {
            if (event.kind === 'rtt') sizer.roundTrip(event.ms);
            else if (event.kind === 'done') sizer.chunkDone(sizer.current, event.ms);
            else sizer.chunkFailed();
            assert.ok(sizer.current >= SLOW_LINK_CHUNK && sizer.current <= 32 * MiB);
            assert.ok(Number.isSafeInteger(sizer.current));
          }
        },
      ),
    );
  });
});
