/**
 * tus-js-client's `WebStorageUrlStorage`, same keys (`tus::<fingerprint>::<id>`) and same
 * JSON, so uploads that tus-js-client left in `localStorage` are resumed by this adapter
 * (and the other way round).
 */
import type { PreviousUpload, UrlStorage } from './types.js';

const PREFIX = 'tus::';

/** Whether `localStorage` can be written here (not in a sandboxed frame, not in some private modes). */
export const canStoreURLs: boolean = probe();

export class WebStorageUrlStorage implements UrlStorage {
  findAllUploads(): Promise<PreviousUpload[]> {
    return Promise.resolve(findEntries(PREFIX));
  }

  findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return Promise.resolve(findEntries(`${PREFIX}${fingerprint}::`));
  }

  removeUpload(urlStorageKey: string): Promise<void> {
    localStorage.removeItem(urlStorageKey);
    return Promise.resolve();
  }

  addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const id = Math.round(Math.random() * 1e12);
    const key = `${PREFIX}${fingerprint}::${id}`;
    localStorage.setItem(key, JSON.stringify(upload));
    return Promise.resolve(key);
  }
}

function findEntries(prefix: string): PreviousUpload[] {
  const found: PreviousUpload[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key === null || !key.startsWith(prefix)) continue;
    try {
      const upload = JSON.parse(localStorage.getItem(key) ?? 'null') as PreviousUpload | null;
      if (typeof upload !== 'object' || upload === null) continue;
      upload.urlStorageKey = key;
      found.push(upload);
    } catch {
      // A malformed entry must not prevent an upload.
    }
  }
  return found;
}

function probe(): boolean {
  try {
    if (typeof localStorage === 'undefined') return false;
    const key = 'tusSupport';
    const original = localStorage.getItem(key);
    localStorage.setItem(key, original ?? '');
    if (original === null) localStorage.removeItem(key);
    return true;
  } catch {
    return false;
  }
}
