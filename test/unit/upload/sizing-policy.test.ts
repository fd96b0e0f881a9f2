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
