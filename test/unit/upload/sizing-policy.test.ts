/**
 * The sizing policy as a pure function: a plain state, `step(state, observation)`, and one
 * `nextSize` that applies every limit (user, input, 413, the server's Upload-Limit, what is
 * left), tried with scripted timings and nothing else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TusUploadLimitError } from '../../../src/errors/index.js';
import { DEFAULTS } from '../../../src/options.js';
import {
  DEFAULT_MAX_CHUNK,
  expectedNext,
  FIRST_CHUNK,
  initialState,
  largestNext,
  nextSize,
  type SizingState,
  step,
} from '../../../src/upload/sizing-policy.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const open = { remaining: Number.POSITIVE_INFINITY };

describe('sizing policy: one pure step, every limit in nextSize', () => {
  it('maxChunkSize has one source: the option default is the policy constant', () => {
    assert.equal(DEFAULTS.maxChunkSize, DEFAULT_MAX_CHUNK);
  });

  it('step returns a new state and never changes the one given', () => {
    const before = initialState({ chunkSize: 'auto' });
    const frozen = structuredClone(before);
    const after = step(step(before, { kind: 'round-trip', ms: 50 }), {
      kind: 'done',
      bytes: MiB,
      ms: 90,
    });
    assert.deepEqual(before, frozen);
    assert.notEqual(after, before);
    assert.ok(nextSize(after, open) > nextSize(before, open));
  });

  it('expectedNext is nextSize after step on a copy', () => {
    let state: SizingState = initialState({ chunkSize: 'auto' });
    state = step(state, { kind: 'round-trip', ms: 40 });
    assert.equal(expectedNext(state, MiB, open), undefined, 'no rate yet');
    state = step(state, { kind: 'done', bytes: MiB, ms: 70 });
    const size = nextSize(state, open);
    const ms = state.rtt! + size / state.rate!;
    const expected = expectedNext(state, size, { remaining: 500 * MiB });
    assert.equal(
      expected,
      nextSize(step(state, { kind: 'done', bytes: size, ms }), { remaining: 500 * MiB }),
    );
  });

  it('a fixed size is the size given, within what is left and the server maximum', () => {
    const state = initialState({ chunkSize: 3 * MiB });
    assert.equal(nextSize(state, open), 3 * MiB);
    assert.equal(nextSize(state, { remaining: 1000 }), 1000);
    assert.equal(nextSize(state, { ...open, append: { maxAppendSize: 2 * MiB } }), 2 * MiB);
    assert.equal(step(state, { kind: 'dropped', sent: MiB, ms: 10 }), state);
  });

  it('applies the user bound, the input bound, a shared 413 limit and the server maximum', () => {
    let state = initialState({ chunkSize: 'auto', max: 8 * MiB, inputMax: 6 * MiB });
    state = step(state, { kind: 'round-trip', ms: 50 });
    state = step(state, { kind: 'done', bytes: FIRST_CHUNK, ms: 51 });
    assert.equal(nextSize(state, open), 6 * MiB);
    assert.equal(nextSize(state, { ...open, serverLimit: 5 * MiB }), 5 * MiB);
    assert.equal(nextSize(state, { ...open, append: { maxAppendSize: 4 * MiB } }), 4 * MiB);
    assert.ok(largestNext(state, { ...open, append: { maxAppendSize: 4 * MiB } }) <= 4 * MiB);
  });

  it('a server minimum raises a chunk within the client bounds', () => {
    const state = initialState({ chunkSize: MiB });
    assert.equal(nextSize(state, { remaining: GiB, append: { minAppendSize: 5 * MiB } }), 5 * MiB);
    // The last bytes may be fewer than the minimum.
    assert.equal(nextSize(state, { remaining: 1000, append: { minAppendSize: 5 * MiB } }), 1000);
  });
});

describe('issue 25 defect 2: Upload-Limit does not override the client bounds', () => {
  it('a min-append-size above chunkSize and maxChunkSize (1 MiB) is a TusUploadLimitError, not one 1 GiB PATCH', () => {
    const state = initialState({ chunkSize: MiB, max: MiB });
    assert.throws(
      () => nextSize(state, { remaining: GiB, append: { minAppendSize: 2 * GiB } }),
      (error: unknown) =>
        error instanceof TusUploadLimitError &&
        error.code === 'TUS_ERR_UPLOAD_LIMIT' &&
        error.minAppendSize === 2 * GiB &&
        error.clientMax === MiB &&
        /min-append-size/.test(error.message),
    );
    const auto = initialState({ chunkSize: 'auto', max: MiB });
    assert.throws(
      () => nextSize(auto, { remaining: GiB, append: { minAppendSize: 2 * GiB } }),
      TusUploadLimitError,
    );
  });

  it("a stream's memory bound wins over a huge min-append-size (no 512 MiB buffered)", () => {
    const state = initialState({ chunkSize: 'auto', inputMax: 16 * MiB });
    assert.throws(
      () => nextSize(state, { remaining: 512 * MiB, append: { minAppendSize: 512 * MiB } }),
      TusUploadLimitError,
    );
  });

  it('a max-append-size of 1 for 11,000 bytes is a TusUploadLimitError, not 11,000 requests', () => {
    const state = initialState({ chunkSize: 'auto' });
    assert.throws(
      () => nextSize(state, { remaining: 11_000, append: { maxAppendSize: 1 } }),
      (error: unknown) => error instanceof TusUploadLimitError && error.maxAppendSize === 1,
    );
    // A small maximum for a small rest is still followed.
    assert.equal(nextSize(state, { remaining: 500, append: { maxAppendSize: 1 } }), 1);
  });
});

/** A scripted link: `rate` bytes/ms, `rtt` ms, every connection cut after `reach` bytes. */
interface Link {
  rate: number;
  rtt: number;
  reach: number;
  /** How much more than crossed the sender believes it sent when cut (socket buffers). */
  overstate: number;
}

interface Trace {
  sizes: { size: number; state: SizingState }[];
  sent: number;
  drops: number;
  /** Most drops in a row without a chunk confirmed between them. */
  dropsInARow: number;
}

/** Uploads `total` bytes over `link` with the policy (checksum on: a cut chunk is lost). */
function simulate(link: Link, total: number, start?: SizingState): Trace {
  let state =
    start ??
    step(step(initialState({ chunkSize: 'auto' }), { kind: 'checksum', discardsOnDrop: true }), {
      kind: 'round-trip',
      ms: link.rtt,
    });
  const trace: Trace = { sizes: [], sent: 0, drops: 0, dropsInARow: 0 };
  let offset = 0;
  let onConnection = 0;
  let inARow = 0;
  for (let i = 0; offset < total && i < 10_000; i++) {
    const size = nextSize(state, { remaining: total - offset });
    trace.sizes.push({ size, state });
    if (onConnection + size > link.reach) {
      const crossed = link.reach - onConnection;
      trace.sent += crossed;
      state = step(state, {
        kind: 'dropped',
        sent: Math.min(size, crossed + link.overstate),
        ms: link.rtt + crossed / link.rate,
      });
      trace.drops++;
      inARow++;
      trace.dropsInARow = Math.max(trace.dropsInARow, inARow);
      onConnection = 0;
      continue;
    }
    inARow = 0;
    onConnection += size;
    trace.sent += size;
    offset += size;
    state = step(state, { kind: 'done', bytes: size, ms: link.rtt + size / link.rate });
  }
  assert.equal(offset, total, 'the upload completes');
  return trace;
}

describe('issue 26: the policy learns how far a dropping link carries', () => {
  const loopback4M: Link = { rate: 1e6, rtt: 0.2, reach: 4 * MiB, overstate: 2 * MiB };

  it('never proposes a chunk larger than the learned drop distance until successes earn it back', () => {
    const trace = simulate(loopback4M, 64 * MiB);
    assert.ok(trace.drops > 0);
    for (const { size, state } of trace.sizes) {
      if (state.reach === undefined) continue;
      const earned = (state.earned * state.reach) / 8;
      const allowed = Math.max(state.reach * 0.9, state.reach * 0.45 + earned);
      assert.ok(size <= allowed + 1, `${size} with reach ${state.reach}`);
      if (state.earned === 0) assert.ok(size <= state.reach, `${size} > reach ${state.reach}`);
    }
    // The retry budget (3 per position) is never what ends it: drops do not come in a row.
    assert.ok(trace.dropsInARow <= 2, `${trace.dropsInARow} drops in a row`);
    assert.ok(trace.sent / (64 * MiB) < 1.5, `sent ${(trace.sent / (64 * MiB)).toFixed(2)}×`);
  });

  it('completes on links that cut after 4, 8, 16 and 32 MiB without sending the file twice', () => {
    for (const reach of [4, 8, 16, 32]) {
      const trace = simulate({ ...loopback4M, reach: reach * MiB }, 64 * MiB);
      assert.ok(trace.sent / (64 * MiB) < 1.6, `${reach} MiB: ${trace.sent / (64 * MiB)}×`);
      assert.ok(trace.dropsInARow <= 3, `${reach} MiB: ${trace.dropsInARow} drops in a row`);
    }
  });

  it('a 460 (a corruption) is not a drop: nothing is learned, no cap', () => {
    let state = step(initialState({ chunkSize: 'auto' }), {
      kind: 'checksum',
      discardsOnDrop: true,
    });
    state = step(step(state, { kind: 'round-trip', ms: 1 }), { kind: 'done', bytes: MiB, ms: 2 });
    const before = nextSize(state, open);
    const after = step(state, { kind: 'refused' });
    assert.equal(after.reach, undefined);
    assert.equal(after.drops, 0);
    assert.equal(nextSize(after, open), before);
    // A drop, by contrast, caps the next chunk at a share of what the link carried.
    const dropped = step(state, { kind: 'dropped', sent: 2 * MiB, ms: 5 });
    assert.ok(nextSize(dropped, open) < before);
    assert.ok(nextSize(dropped, open) <= dropped.reach!);
  });

  it('growth after drops is additive, and a link that stops dropping gets full-size chunks back', () => {
    // One drop after 4 MiB, then a link that never drops again.
    const trace = simulate({ ...loopback4M, reach: 4 * MiB }, 6 * MiB);
    const state = trace.sizes.at(-1)!.state;
    const clean = simulate(
      { ...loopback4M, reach: Number.POSITIVE_INFINITY },
      4 * 1024 * MiB,
      state,
    );
    const capped = clean.sizes.filter((s) => s.state.reach !== undefined).map((s) => s.size);
    assert.ok(capped.length >= 4, `${capped.length} capped chunks`);
    const steps = capped.slice(1).map((size, i) => size - capped[i]!);
    const grown = steps.filter((d) => d > 0);
    // Each growth step is one constant amount (reach / 8), never a doubling.
    const first = grown[0]!;
    assert.ok(
      grown.every((d) => Math.abs(d - first) <= 1),
      `steps ${grown.join(', ')}`,
    );
    assert.ok(capped.every((size, i) => i === 0 || size < 2 * capped[i - 1]!));
    // Earned back: the cap is forgotten and the chunks are the model's full size again.
    const full = clean.sizes.at(-2)!;
    assert.equal(full.state.reach, undefined);
    assert.equal(full.size, full.state.size, 'the model size, uncapped');
    assert.ok(full.size > 2 * 4 * MiB, `${full.size}`);
  });

  it('without a checksum (the server keeps partial bodies) a drop only halves, as before', () => {
    let state = initialState({ chunkSize: 'auto' });
    state = step(step(state, { kind: 'round-trip', ms: 1 }), { kind: 'done', bytes: MiB, ms: 2 });
    const before = state.size;
    const after = step(state, { kind: 'dropped', sent: MiB, ms: 1 });
    assert.equal(after.reach, undefined);
    assert.equal(after.size, Math.floor(before / 2));
  });
});

describe('issue 26: far links', () => {
  for (const [rtt, mbit] of [
    [300, 50],
    [600, 20],
  ] as const) {
    it(`RTT ${rtt} ms, ${mbit} Mbit/s: chunks grow until the round trip is ~2 % (up to maxChunkSize), no 4 s cap; a drop brings the cap back`, () => {
      const rate = (mbit * 1e6) / 8 / 1000;
      let state = step(initialState({ chunkSize: 'auto' }), { kind: 'round-trip', ms: rtt });
      for (let i = 0; i < 4; i++) {
        const size = nextSize(state, open);
        state = step(state, { kind: 'done', bytes: size, ms: rtt + size / rate });
      }
      const size = nextSize(state, open);
      const wanted = Math.min(DEFAULT_MAX_CHUNK, (rtt * rate * 0.98) / 0.02);
      assert.ok(size >= wanted * 0.95, `${size} < ${wanted}`);
      assert.ok(size / rate > 4000, 'longer than 4 s of sending');
      // A drop (no checksum here): the time cap is back once the link has dropped.
      state = step(state, { kind: 'dropped', sent: MiB, ms: 1000 });
      for (let i = 0; i < 4; i++) {
        const next = nextSize(state, open);
        state = step(state, { kind: 'done', bytes: next, ms: rtt + next / rate });
      }
      assert.ok(nextSize(state, open) / rate <= 4000 * 1.01);
    });
  }
});
