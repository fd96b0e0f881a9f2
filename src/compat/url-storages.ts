/**
 * URL storages of the tus-js-client shape: the one that stores nothing (the default in
 * Node, as in tus-js-client) and an adapter that puts one of ours behind that shape.
 */
import type { UrlStorage as OurUrlStorage } from '../storage/url-storage.js';
import type { PreviousUpload, UrlStorage } from './types.js';

/** Stores nothing, finds nothing. */
export class NoopUrlStorage implements UrlStorage {
  findAllUploads(): Promise<PreviousUpload[]> {
    return Promise.resolve([]);
  }

  findUploadsByFingerprint(_fingerprint: string): Promise<PreviousUpload[]> {
    return Promise.resolve([]);
  }

  removeUpload(_urlStorageKey: string): Promise<void> {
    return Promise.resolve();
  }

  addUpload(_fingerprint: string, _upload: PreviousUpload): Promise<string> {
    return Promise.resolve('');
  }
}

/**
 * One of our URL storages (`get`/`set`/`remove`/`list`, one entry per fingerprint) in the
 * tus-js-client shape: the storage key of an entry is its fingerprint, and adding an
 * upload replaces the entry of the same fingerprint. Uploads split in parallel parts
 * (`parallelUploadUrls`) are not kept.
 */
export class AdaptedUrlStorage implements UrlStorage {
  readonly #storage: OurUrlStorage;

  constructor(storage: OurUrlStorage) {
    this.#storage = storage;
  }

  async findAllUploads(): Promise<PreviousUpload[]> {
    return (await this.#storage.list()).map((entry) => toPrevious(entry.fingerprint, entry));
  }

  async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    const entry = await this.#storage.get(fingerprint);
    return entry === undefined ? [] : [toPrevious(fingerprint, entry)];
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    await this.#storage.remove(urlStorageKey);
  }

  async addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    if (typeof upload.uploadUrl !== 'string' || upload.uploadUrl === '') return '';
    await this.#storage.set(fingerprint, {
      uploadUrl: upload.uploadUrl,
      size: upload.size ?? undefined,
      createdAt: new Date().toISOString(),
      metadata: { ...upload.metadata },
    });
    return fingerprint;
  }
}

function toPrevious(
  fingerprint: string,
  entry: { uploadUrl: string; size: number | undefined; createdAt: string; metadata: object },
): PreviousUpload {
  return {
    size: entry.size ?? null,
    metadata: { ...(entry.metadata as Record<string, string>) },
    creationTime: entry.createdAt,
    urlStorageKey: fingerprint,
    uploadUrl: entry.uploadUrl,
    parallelUploadUrls: null,
  };
}

/** Whether `value` has the four methods of a tus-js-client `UrlStorage`. */
export function isCompatUrlStorage(value: unknown): value is UrlStorage {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return ['findUploadsByFingerprint', 'removeUpload', 'addUpload'].every(
    (name) => typeof o[name] === 'function',
  );
}
