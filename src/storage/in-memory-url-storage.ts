/** `UrlStorage` in a `Map`: lives as long as the object (tests, one long-running process). */
import {
  checkFingerprint,
  type StoredUpload,
  toEntry,
  type UrlStorage,
  type UrlStorageEntry,
} from './url-storage.js';

export class InMemoryUrlStorage implements UrlStorage {
  readonly #entries = new Map<string, UrlStorageEntry>();

  async get(fingerprint: string): Promise<UrlStorageEntry | undefined> {
    const entry = this.#entries.get(checkFingerprint(fingerprint));
    return entry === undefined ? undefined : copy(entry);
  }

  async set(fingerprint: string, entry: UrlStorageEntry): Promise<void> {
    const checked = toEntry(entry);
    if (checked === undefined) {
      throw new TypeError('a URL storage entry needs uploadUrl, size, createdAt and metadata');
    }
    this.#entries.set(checkFingerprint(fingerprint), checked);
  }

  async remove(fingerprint: string): Promise<void> {
    this.#entries.delete(checkFingerprint(fingerprint));
  }

  async list(): Promise<StoredUpload[]> {
    return [...this.#entries].map(([fingerprint, entry]) => ({ fingerprint, ...copy(entry) }));
  }
}

function copy(entry: UrlStorageEntry): UrlStorageEntry {
  return { ...entry, metadata: { ...entry.metadata } };
}
