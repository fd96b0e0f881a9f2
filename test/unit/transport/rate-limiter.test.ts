/** `maxBytesPerSecond`'s budget against a scripted clock: released bytes follow the rate. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RATE_BURST_MS, RateLimiter } from '../../../src/transport/rate-limiter.js';

describe('RateLimiter', () => {
  it('refuses a rate that is not more than 0', () => {
    assert.throws(() => new RateLimiter(0), RangeError);
    assert.throws(() => new RateLimiter(Number.NaN), RangeError);
  });

  it('paces a sender that always asks at once: about rate × time, never more', () => {
    let now = 0;
    const limiter = new RateLimiter(1_000_000, () => now); // 1 MB/s = 1000 B/ms
    const piece = limiter.pieceBytes;
    let released = 0;
    // A greedy sender: sends a piece, waits what it is told, sends the next.
    while (now < 10_000) {
      const wait = limiter.reserve(piece);
      now += wait;
      released += piece;
    }
    const allowed = 1000 * now + 1000 * RATE_BURST_MS + piece;
    assert.ok(released <= allowed, `${released} released by ${now} ms`);
    assert.ok(released >= 1000 * now - piece, `${released} released by ${now} ms (too slow)`);
  });

  it('an idle sender earns no more than the burst', () => {
    let now = 0;
    const limiter = new RateLimiter(1000, () => now); // 1 B/ms
    limiter.reserve(1);
    now = 1_000_000; // a long pause
    let free = 0;
    while (limiter.reserve(100) === 0) free += 100;
    assert.ok(free <= RATE_BURST_MS + 100, `${free} bytes free after the pause`);
  });

  it('shared by several senders: their total follows the one rate', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 64 * 1024 }), { minLength: 10, maxLength: 200 }),
        fc.integer({ min: 1000, max: 100_000_000 }),
        (pieces, rate) => {
          let now = 0;
          const limiter = new RateLimiter(rate, () => now);
          let total = 0;
          for (const bytes of pieces) {
            now += limiter.reserve(bytes);
            total += bytes;
          }
          const largest = Math.max(...pieces);
          assert.ok(total <= (rate / 1000) * (now + RATE_BURST_MS) + largest + 1e-6);
        },
      ),
    );
  });
});
