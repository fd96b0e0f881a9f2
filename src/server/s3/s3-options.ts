/**
 * Options of the S3 store (`s3Store`): types, defaults and checks in one place. No
 * credentials here: the AWS SDK finds them through its standard chain (environment
 * variables, shared config and credential files, instance and container roles), so they are
 * never in options, messages or logs. Pure.
 */

import { show } from '../../show.js';
import { count, flag } from '../server-option-checks.js';
import { MAX_OBJECT_SIZE, MAX_PART_SIZE, MIB, MIN_PART_SIZE } from './part-plan.js';

export interface S3StoreOptions {
  /** The bucket uploads are stored in (it must exist: `start()` checks it). */
  bucket: string;
  /**
   * Prepended to every key: upload `id` is the object `<prefix><id>` once finished, its record
   * `<prefix><id>.info`, bytes waiting for a part `<prefix><id>.part.<n>`. @default ''
   */
  prefix?: string | undefined;
  /** An S3-compatible endpoint (`http://127.0.0.1:9000`, R2, MinIO, Ceph…). @default AWS S3 */
  endpoint?: string | undefined;
  /** @default the SDK's (AWS_REGION, config files), else 'us-east-1' */
  region?: string | undefined;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which most S3-compatible services need. @default true with `endpoint`, else false */
  forcePathStyle?: boolean | undefined;
  /**
   * Preferred part size in bytes (rounded up to whole MiB, at least 5 MiB). A part is held in
   * memory while it fills, so this bounds the memory of one append. Raised per upload so that
   * its length fits in 10,000 parts. @default 8 MiB
   */
  partSize?: number | undefined;
  /** Every part but the last of one size, as Cloudflare R2 requires. @default false */
  equalParts?: boolean | undefined;
  /**
   * The largest upload of unknown length to plan for (with `equalParts` it sets the part size
   * of every deferred-length upload). @default 5 TiB (S3's largest object)
   */
  maxUploadSize?: number | undefined;
  /** Attempts per S3 call (the SDK's retries of throttling and 5xx answers). @default 3 */
  maxAttempts?: number | undefined;
}

export interface ResolvedS3StoreOptions {
  bucket: string;
  prefix: string;
  endpoint: string | undefined;
  region: string | undefined;
  forcePathStyle: boolean;
  partSize: number;
  equalParts: boolean;
  maxUploadSize: number;
  maxAttempts: number;
}

/** Every option key, kept complete by the compiler (an unknown key is a TypeError). */
const KEYS: { [K in keyof S3StoreOptions]-?: true } = {
  bucket: true,
  prefix: true,
  endpoint: true,
  region: true,
  forcePathStyle: true,
  partSize: true,
  equalParts: true,
  maxUploadSize: true,
  maxAttempts: true,
};

/** S3's rules for bucket names (3–63 characters: lower case, digits, dots, hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function text(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`s3Store option ${name} must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

export function resolveS3StoreOptions(options: S3StoreOptions): ResolvedS3StoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`s3Store options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(key in KEYS)) throw new TypeError(`s3Store has no option ${show(key)}`);
  }
  const bucket = text('bucket', options.bucket);
  if (bucket === undefined || !BUCKET.test(bucket)) {
    throw new TypeError(`s3Store option bucket must be an S3 bucket name, got ${show(bucket)}`);
  }
  const prefix = text('prefix', options.prefix) ?? '';
  if (prefix.startsWith('/')) {
    throw new RangeError(`s3Store option prefix must not start with '/', got ${show(prefix)}`);
  }
  const endpoint = text('endpoint', options.endpoint);
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/i.test(endpoint)) {
    throw new TypeError(`s3Store option endpoint must be an http(s) URL, got ${show(endpoint)}`);
  }
  const partSize = count('partSize', options.partSize, 8 * MIB, MIN_PART_SIZE);
  if (partSize > MAX_PART_SIZE) {
    throw new RangeError(`s3Store option partSize must be at most 5 GiB, got ${partSize}`);
  }
  const maxUploadSize = count('maxUploadSize', options.maxUploadSize, MAX_OBJECT_SIZE, 0);
  return {
    bucket,
    prefix,
    endpoint,
    region: text('region', options.region),
    forcePathStyle: flag('forcePathStyle', options.forcePathStyle, endpoint !== undefined),
    partSize,
    equalParts: flag('equalParts', options.equalParts, false),
    maxUploadSize: Math.min(maxUploadSize, MAX_OBJECT_SIZE),
    maxAttempts: count('maxAttempts', options.maxAttempts, 3, 1),
  };
}
