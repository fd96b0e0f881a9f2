/**
 * `Upload-Limit`, a Dictionary of Integers: `max-size`, `min-size`, `max-append-size`,
 * `min-append-size` and the remaining lifetime in seconds (`max-age` from interop 7 on,
 * `expires` in interop 6). Unknown keys are ignored; a known key whose value is not a
 * non-negative Integer makes the whole field ignored, as the draft says. Pure.
 */
import { parseDictionary, serializeDictionary } from './structured-fields.js';

export interface UploadLimits {
  /** Largest representation, bytes. */
  readonly maxSize?: number | undefined;
  /** Smallest representation the server offers resumption for, bytes. */
  readonly minSize?: number | undefined;
  /** Largest body of one creation or append, bytes. */
  readonly maxAppendSize?: number | undefined;
  /** Smallest body of one creation or append that does not complete the upload, bytes. */
  readonly minAppendSize?: number | undefined;
  /** Seconds the upload resource remains, counted from the response. */
  readonly maxAge?: number | undefined;
}

export type LifetimeKey = 'expires' | 'max-age';

const FIXED_KEYS = [
  ['max-size', 'maxSize'],
  ['min-size', 'minSize'],
  ['max-append-size', 'maxAppendSize'],
  ['min-append-size', 'minAppendSize'],
] as const;

/** The limits an `Upload-Limit` value states, `undefined` when absent or to be ignored. */
export function parseUploadLimit(
  text: string | undefined,
  lifetimeKey: LifetimeKey,
): UploadLimits | undefined {
  const members = parseDictionary(text);
  if (members === undefined) return undefined;
  const keys: readonly (readonly [string, keyof UploadLimits])[] = [
    ...FIXED_KEYS,
    [lifetimeKey, 'maxAge'],
  ];
  const limits: { -readonly [K in keyof UploadLimits]: number } = {};
  for (const [key, field] of keys) {
    const member = members.get(key);
    if (member === undefined) continue;
    if (!('bare' in member) || member.bare.kind !== 'integer' || member.bare.value < 0) {
      return undefined;
    }
    limits[field] = member.bare.value;
  }
  return limits;
}

/** Largest Integer a structured field can carry (RFC 9651 3.3.1). */
const MAX_SF_INTEGER = 999_999_999_999_999;

/**
 * The `Upload-Limit` value of `limits`; `min-size=0` when there are none (as OPTIONS needs).
 * A limit past what a structured field can carry (or `Infinity`) is no limit.
 */
export function formatUploadLimit(limits: UploadLimits, lifetimeKey: LifetimeKey): string {
  const members: [string, number][] = [];
  for (const [key, field] of [...FIXED_KEYS, [lifetimeKey, 'maxAge'] as const]) {
    const value = limits[field];
    if (value !== undefined && value <= MAX_SF_INTEGER) members.push([key, value]);
  }
  return members.length === 0 ? 'min-size=0' : serializeDictionary(members);
}
