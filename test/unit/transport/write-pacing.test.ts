/** How large the body's writes are: from the rate each origin last showed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MIN_MEASURED_BODY,
  MIN_WRITE_SLICE,
  SLICE_TARGET_MS,
  WritePacing,
} from '../../../src/transport/write-pacing.js';

const MiB = 1024 * 1024;
const A = 'http://127.0.0.1:1080';
const B = 'https://uploads.example';

describe('WritePacing', () => {
  it('writes in the smallest slices while nothing is measured', () => {
    const pacing = new WritePacing();
    assert.equal(pacing.sliceFor(A, MiB), MIN_WRITE_SLICE);
    assert.equal(pacing.sliceFor(A, 8 * MiB), MIN_WRITE_SLICE);
  });

  it('writes a body smaller than a slice in one go (and an empty one as one write)', () => {
    const pacing = new WritePacing();
    assert.equal(pacing.sliceFor(A, 1000), 1000);
    assert.equal(pacing.sliceFor(A, 0), 1);
  });

  it('writes the whole body at once when the last rate sends it within the target', () => {
    const pacing = new WritePacing();
    // 1 MiB answered in 2 ms: 512 KiB/ms, a 20 ms slice would be 10 MiB
    pacing.measured(A, MiB, 2);
    assert.equal(pacing.sliceFor(A, MiB), MiB);
    assert.equal(pacing.sliceFor(A, 4 * MiB), 4 * MiB);
  });

  it('sizes slices to take the target time at a middling rate', () => {
    const pacing = new WritePacing();
    // 1 MiB in 40 ms: a 20 ms slice is half a MiB
    pacing.measured(A, MiB, 40);
    assert.equal(pacing.sliceFor(A, 4 * MiB), Math.floor((MiB / 40) * SLICE_TARGET_MS));
    assert.equal(pacing.sliceFor(A, 4 * MiB), MiB / 2);
  });

  it('never goes under the smallest slice, however slow the last body was', () => {
    const pacing = new WritePacing();
    pacing.measured(A, MiB, 60_000);
    assert.equal(pacing.sliceFor(A, MiB), MIN_WRITE_SLICE);
  });

  it('keeps one rate per origin, the last one measured', () => {
    const pacing = new WritePacing();
    pacing.measured(A, MiB, 1);
    pacing.measured(B, MiB, 1000);
    assert.equal(pacing.sliceFor(A, MiB), MiB);
    assert.equal(pacing.sliceFor(B, MiB), MIN_WRITE_SLICE);
    pacing.measured(A, MiB, 1000);
    assert.equal(pacing.sliceFor(A, MiB), MIN_WRITE_SLICE);
  });

  it('does not measure small bodies (they show latency, not rate)', () => {
    const pacing = new WritePacing();
    pacing.measured(A, MIN_MEASURED_BODY - 1, 0.01);
    assert.equal(pacing.sliceFor(A, MiB), MIN_WRITE_SLICE);
    pacing.measured(A, MIN_MEASURED_BODY, 0.01);
    assert.equal(pacing.sliceFor(A, MiB), MiB);
  });

  it('ignores an elapsed time that is not a number, and counts 0 ms as very fast', () => {
    const pacing = new WritePacing();
    pacing.measured(A, MiB, Number.NaN);
    pacing.measured(A, MiB, -5);
    assert.equal(pacing.sliceFor(A, MiB), MIN_WRITE_SLICE);
    pacing.measured(A, MiB, 0);
    assert.equal(pacing.sliceFor(A, MiB), MiB);
  });

  it('goes back to the smallest slices for an origin whose request failed', () => {
    const pacing = new WritePacing();
    pacing.measured(A, MiB, 1);
    pacing.measured(B, MiB, 1);
    pacing.forget(A);
    assert.equal(pacing.sliceFor(A, MiB), MIN_WRITE_SLICE);
    assert.equal(pacing.sliceFor(B, MiB), MiB);
  });
});
