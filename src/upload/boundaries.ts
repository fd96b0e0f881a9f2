/**
 * Byte ranges of a parallel upload: `splitRanges` (even split) and `checkBoundaries`
 * (the caller's `parallelUploadBoundaries`). A range is `[start, end)`: `end` is exclusive,
 * as in tus-js-client.
 */
import { show } from '../show.js';
import type { ByteRange } from '../types.js';

export type { ByteRange };

/**
 * Splits `[0, size)` into `parts` contiguous ranges whose lengths differ by at most one
 * byte. With more parts than bytes, there are only `size` ranges of one byte each (an
 * empty range would make an empty partial upload for nothing); an empty input is one
 * empty range, so that the server still gets a (zero-length) partial and a final upload.
 */
export function splitRanges(size: number, parts: number): ByteRange[] {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`size must be a non-negative integer, got ${show(size)}`);
  }
  if (!Number.isSafeInteger(parts) || parts < 1) {
    throw new RangeError(`parallelUploads must be an integer of at least 1, got ${show(parts)}`);
  }
  if (size === 0) return [{ start: 0, end: 0 }];
  const count = Math.min(parts, size);
  const base = Math.floor(size / count);
  const extra = size % count;
  const ranges: ByteRange[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + base + (i < extra ? 1 : 0);
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

/**
 * Checks the shape of `parallelUploadBoundaries` (an array of `{ start, end }` with
 * non-negative integers), without knowing the input's size yet. Returns a copy.
 */
export function checkBoundaryShape(value: unknown): ByteRange[] {
  const name = 'parallelUploadBoundaries';
  if (!Array.isArray(value)) {
    throw new TypeError(`${name} must be an array of { start, end }, got ${show(value)}`);
  }
  if (value.length === 0) throw new RangeError(`${name} must not be empty`);
  return value.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null) {
      throw new TypeError(`${name}[${i}] must be an object { start, end }, got ${show(item)}`);
    }
    const { start, end } = item as { start?: unknown; end?: unknown };
    for (const [key, n] of [
      ['start', start],
      ['end', end],
    ] as const) {
      if (typeof n !== 'number' || Number.isNaN(n)) {
        throw new TypeError(`${name}[${i}].${key} must be a number, got ${show(n)}`);
      }
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new RangeError(`${name}[${i}].${key} must be a non-negative integer, got ${show(n)}`);
      }
    }
    return { start: start as number, end: end as number };
  });
}

/**
 * Checks that `ranges` are non-empty, in order, contiguous and cover `[0, size)` exactly
 * (an empty input: the one range `{ start: 0, end: 0 }`). A `RangeError` names the first
 * range at fault.
 */
export function checkBoundaries(value: unknown, size: number): ByteRange[] {
  const name = 'parallelUploadBoundaries';
  const ranges = checkBoundaryShape(value);
  if (size === 0) {
    const only = ranges[0];
    if (ranges.length !== 1 || only === undefined || only.start !== 0 || only.end !== 0) {
      throw new RangeError(`${name} of an empty input must be [{ start: 0, end: 0 }]`);
    }
    return ranges;
  }
  let expected = 0;
  ranges.forEach((range, i) => {
    if (range.start !== expected) {
      throw new RangeError(
        i === 0
          ? `${name}[0].start must be 0, got ${range.start}`
          : `${name}[${i}].start must be ${expected} (the end of range ${i - 1}) so that the ranges are contiguous, got ${range.start}`,
      );
    }
    if (range.end <= range.start) {
      throw new RangeError(
        `${name}[${i}] is empty or reversed: start ${range.start}, end ${range.end}`,
      );
    }
    if (range.end > size) {
      throw new RangeError(`${name}[${i}].end ${range.end} is past the input's ${size} bytes`);
    }
    expected = range.end;
  });
  if (expected !== size) {
    throw new RangeError(
      `${name} cover bytes 0 to ${expected} but the input has ${size} bytes: the last end must be ${size}`,
    );
  }
  return ranges;
}
