/**
 * Sizes of the parts of an S3 multipart upload, as providers take them: every part but the
 * last at least 5 MiB, at most 10,000 parts, at most 5 GiB a part, and (with `equalParts`,
 * as Cloudflare R2 requires) every part but the last of one size. Pure.
 */

export const MIB = 1024 * 1024;
/** S3's smallest part but the last. */
export const MIN_PART_SIZE = 5 * MIB;
/** S3's largest part. */
export const MAX_PART_SIZE = 5 * 1024 * MIB;
/** S3's most parts in one upload. */
export const MAX_PARTS = 10_000;
/** S3's largest object. */
export const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * MIB;
/** Parts of an upload of unknown length double in size after every this many. */
export const PARTS_PER_SIZE = 1000;

export interface PartPlanOptions {
  /** The size the store prefers (rounded up to whole MiB, at least 5 MiB). */
  partSize: number;
  /** Every part but the last of one size (R2). */
  equalParts: boolean;
  /** The largest upload the store must be able to hold when the length is not known. */
  maxUploadSize: number;
}

/** How many base-sized parts 10,000 growing parts hold (1,000 × (1 + 2 + … + 512)). */
const GROWING_SLOTS = PARTS_PER_SIZE * (2 ** (MAX_PARTS / PARTS_PER_SIZE) - 1);

/**
 * The base part size of a new upload: the preferred size, raised so that `length` fits in
 * 10,000 parts, or without a length `maxUploadSize` does (in parts of one size with
 * `equalParts`, else in parts that grow).
 */
export function basePartSize(length: number | undefined, options: PartPlanOptions): number {
  const preferred = Math.max(MIN_PART_SIZE, Math.ceil(options.partSize / MIB) * MIB);
  const total = length ?? options.maxUploadSize;
  const slots = length === undefined && !options.equalParts ? GROWING_SLOTS : MAX_PARTS;
  const needed = Math.ceil(Math.ceil(total / slots) / MIB) * MIB;
  return Math.min(MAX_PART_SIZE, Math.max(preferred, needed));
}

/**
 * The size of part `number` (1-based). Known lengths and `equalParts` keep the base size;
 * an upload of unknown length doubles it after every 1,000 parts, so that 10,000 parts of a
 * 5 MiB base hold 5 TiB (S3's largest object).
 */
export function partSizeOf(number: number, base: number, growing: boolean): number {
  if (!growing) return base;
  const doublings = Math.floor((number - 1) / PARTS_PER_SIZE);
  return Math.min(MAX_PART_SIZE, base * 2 ** doublings);
}

/** The most bytes parts `1..MAX_PARTS` can hold with this plan. */
export function planCapacity(base: number, growing: boolean): number {
  let total = 0;
  for (let n = 1; n <= MAX_PARTS; n += PARTS_PER_SIZE) {
    total += partSizeOf(n, base, growing) * Math.min(PARTS_PER_SIZE, MAX_PARTS - n + 1);
  }
  return total;
}
