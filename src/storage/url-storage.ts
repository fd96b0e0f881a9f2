/**
 * The storage layer's contract: upload URLs kept under the fingerprint of their input,
 * so that a later session (another process, another page load) can resume an upload.
 */

/** What is remembered about one upload. */
export interface UrlStorageEntry {
  /** The upload URL the server returned on creation. */
  uploadUrl: string;
  /** Size of the input in bytes, `undefined` when unknown. */
  size: number | undefined;
  /** When the upload was created, as an ISO 8601 string (`2025-01-31T12:00:00.000Z`). */
  createdAt: string;
  /** The metadata the upload was created with. */
  metadata: Record<string, string>;
  /**
   * The endpoint the upload was created at: the origin its credentials were given for (an
   * upload URL may be on another host). Absent in entries stored by earlier versions.
   */
  endpoint?: string | undefined;
}

/** An entry with the fingerprint it is stored under (what `list` and `findPreviousUploads` return). */
export interface StoredUpload extends UrlStorageEntry {
  fingerprint: string;
}

/**
 * Where upload URLs are kept, one entry per fingerprint. Every method is async; an
 * implementation may be shared by several clients (and, for `FileUrlStorage`, processes).
 * Any object with these four methods can be passed as the `urlStorage` option.
 */
export interface UrlStorage {
  /** The entry stored under `fingerprint`, `undefined` when there is none. */
  get(fingerprint: string): Promise<UrlStorageEntry | undefined>;
  /** Stores `entry` under `fingerprint`, replacing any entry there. */
  set(fingerprint: string, entry: UrlStorageEntry): Promise<void>;
  /** Removes the entry under `fingerprint`; nothing happens when there is none. */
  remove(fingerprint: string): Promise<void>;
  /** Every stored entry with its fingerprint. */
  list(): Promise<StoredUpload[]>;
}

/** Whether `value` has the four methods of a `UrlStorage`. */
export function isUrlStorage(value: unknown): value is UrlStorage {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return ['get', 'set', 'remove', 'list'].every((name) => typeof o[name] === 'function');
}

/**
 * `value` as a `UrlStorageEntry` (a fresh copy), or `undefined` when it does not have the
 * shape of one. Used when reading entries back from JSON written by anyone.
 */
export function toEntry(value: unknown): UrlStorageEntry | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.uploadUrl !== 'string' || o.uploadUrl === '') return undefined;
  const size = o.size ?? undefined;
  if (size !== undefined && (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)) {
    return undefined;
  }
  if (typeof o.createdAt !== 'string') return undefined;
  const metadata: Record<string, string> = {};
  if (typeof o.metadata === 'object' && o.metadata !== null && !Array.isArray(o.metadata)) {
    for (const [key, item] of Object.entries(o.metadata)) {
      if (typeof item === 'string') metadata[key] = item;
    }
  }
  const entry: UrlStorageEntry = { uploadUrl: o.uploadUrl, size, createdAt: o.createdAt, metadata };
  if (typeof o.endpoint === 'string' && isHttpUrl(o.endpoint)) entry.endpoint = o.endpoint;
  return entry;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `entry` as plain JSON (`size: null` when unknown, so the key stays visible). */
export function entryJson(entry: UrlStorageEntry): Record<string, unknown> {
  return {
    uploadUrl: entry.uploadUrl,
    size: entry.size ?? null,
    createdAt: entry.createdAt,
    metadata: { ...entry.metadata },
    ...(entry.endpoint === undefined ? {} : { endpoint: entry.endpoint }),
  };
}

/** A `TypeError` unless `fingerprint` is a non-empty string. */
export function checkFingerprint(fingerprint: unknown): string {
  if (typeof fingerprint !== 'string' || fingerprint === '') {
    throw new TypeError(`a fingerprint must be a non-empty string, got ${typeof fingerprint}`);
  }
  return fingerprint;
}
