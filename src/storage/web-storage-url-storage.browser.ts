/**
 * `WebStorageUrlStorage`: upload URLs in the browser's `localStorage` (or any object with
 * the Web Storage methods), one key per fingerprint under a prefix.
 */
import { TusStorageError } from '../errors/index.js';
import {
  checkFingerprint,
  entryJson,
  type StoredUpload,
  toEntry,
  type UrlStorage,
  type UrlStorageEntry,
} from './url-storage.js';

/** The part of the Web Storage API this class uses. */
export interface WebStorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface WebStorageUrlStorageOptions {
  /** Where to keep the entries. @default globalThis.localStorage */
  storage?: WebStorageLike | undefined;
  /** Prefix of every key. @default 'resumable-upload::' */
  prefix?: string | undefined;
}

export const DEFAULT_WEB_STORAGE_PREFIX = 'resumable-upload::';

export class WebStorageUrlStorage implements UrlStorage {
  readonly prefix: string;
  readonly #storage: WebStorageLike | undefined;

  constructor(options: WebStorageUrlStorageOptions = {}) {
    this.prefix = options.prefix ?? DEFAULT_WEB_STORAGE_PREFIX;
    if (typeof this.prefix !== 'string' || this.prefix === '') {
      throw new TypeError('WebStorageUrlStorage prefix must be a non-empty string');
    }
    this.#storage = options.storage ?? defaultStorage();
  }

  async get(fingerprint: string): Promise<UrlStorageEntry | undefined> {
    const text = this.#api().getItem(this.prefix + checkFingerprint(fingerprint));
    return text === null ? undefined : toEntry(parseJson(text));
  }

  async set(fingerprint: string, entry: UrlStorageEntry): Promise<void> {
    const key = this.prefix + checkFingerprint(fingerprint);
    const checked = toEntry(entry);
    if (checked === undefined) {
      throw new TypeError('a URL storage entry needs uploadUrl, size, createdAt and metadata');
    }
    try {
      this.#api().setItem(key, JSON.stringify(entryJson(checked)));
    } catch (cause) {
      // QuotaExceededError, or storage disabled by the user's privacy settings.
      throw new TusStorageError(`cannot store the upload URL in Web Storage: ${String(cause)}`, {
        cause,
      });
    }
  }

  async remove(fingerprint: string): Promise<void> {
    this.#api().removeItem(this.prefix + checkFingerprint(fingerprint));
  }

  async list(): Promise<StoredUpload[]> {
    const api = this.#api();
    const keys: string[] = [];
    for (let i = 0; i < api.length; i++) {
      const key = api.key(i);
      if (key?.startsWith(this.prefix)) keys.push(key);
    }
    const uploads: StoredUpload[] = [];
    for (const key of keys) {
      const text = api.getItem(key);
      const entry = text === null ? undefined : toEntry(parseJson(text));
      if (entry !== undefined)
        uploads.push({ fingerprint: key.slice(this.prefix.length), ...entry });
    }
    return uploads;
  }

  #api(): WebStorageLike {
    if (this.#storage === undefined) {
      throw new TusStorageError(
        'Web Storage (localStorage) is not available here: pass a storage option, or use InMemoryUrlStorage',
      );
    }
    return this.#storage;
  }
}

function defaultStorage(): WebStorageLike | undefined {
  try {
    // Reading `localStorage` throws in some privacy modes and sandboxed frames.
    return (globalThis as { localStorage?: WebStorageLike }).localStorage;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
