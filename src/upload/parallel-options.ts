/**
 * The `uploadFile` options of parallel uploads, checked when `uploadFile` is called:
 * wrong type → `TypeError`, wrong range → `RangeError`, naming the option and the value.
 */
import { show } from '../show.js';
import type { ByteRange, UploadMetadata } from '../types.js';
import { checkBoundaryShape } from './boundaries.js';

export interface ParallelOptions {
  parallelUploads?: number | undefined;
  parallelUploadBoundaries?: readonly ByteRange[] | undefined;
  metadataForPartialUploads?: UploadMetadata | undefined;
  stopAt?: number | undefined;
}

/** A parallel upload to make: how many partials, or the caller's ranges. */
export interface ParallelPlan {
  parts: number;
  boundaries: ByteRange[] | undefined;
}

/**
 * `undefined` for an ordinary upload (`parallelUploads` absent or 1, no boundaries), else
 * the plan. `parallelUploadBoundaries` alone makes a parallel upload of that many partials.
 */
export function checkParallelOptions(options: ParallelOptions): ParallelPlan | undefined {
  const parts = options.parallelUploads;
  if (parts !== undefined) {
    if (typeof parts !== 'number' || Number.isNaN(parts)) {
      throw new TypeError(`parallelUploads must be a number, got ${show(parts)}`);
    }
    if (!Number.isSafeInteger(parts) || parts < 1) {
      throw new RangeError(`parallelUploads must be an integer of at least 1, got ${show(parts)}`);
    }
  }
  const raw = options.parallelUploadBoundaries;
  const boundaries = raw === undefined ? undefined : checkBoundaryShape(raw);
  if (boundaries !== undefined && parts !== undefined && parts !== boundaries.length) {
    throw new RangeError(
      `parallelUploads is ${parts} but parallelUploadBoundaries has ${boundaries.length} ranges: give one range per partial (or leave parallelUploads out)`,
    );
  }
  const partial = options.metadataForPartialUploads;
  if (
    partial !== undefined &&
    (typeof partial !== 'object' || partial === null || Array.isArray(partial))
  ) {
    throw new TypeError(
      `metadataForPartialUploads must be an object of strings, got ${show(partial)}`,
    );
  }
  const count = boundaries?.length ?? parts ?? 1;
  if (boundaries === undefined && count === 1) return undefined;
  if (options.stopAt !== undefined) {
    throw new TypeError(
      'stopAt cannot be combined with parallelUploads: a parallel upload is complete or nothing (leave one of them out)',
    );
  }
  return { parts: count, boundaries };
}
