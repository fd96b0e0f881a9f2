/**
 * The CLI's URL store keeps only uploads worth resuming: files of at least 1 MiB. Each
 * entry costs two synced writes of the store file under its lock (when the upload is
 * created, and when it is done), about as long as sending a small file again: for a
 * directory of 10,000 small files that is minutes for nothing. A small file that was
 * interrupted is sent again whole; once finished, the batch journal skips it either way.
 */
import type { StoredUpload, UrlStorage, UrlStorageEntry } from '../../index.node.js';

/** Files below this size are not put in the URL store. */
export const STORE_MIN_SIZE = 1024 * 1024;

export class SizedUrlStorage implements UrlStorage {
  constructor(
    private readonly inner: UrlStorage,
    private readonly minSize: number = STORE_MIN_SIZE,
  ) {}

  get(fingerprint: string): Promise<UrlStorageEntry | undefined> {
    return this.inner.get(fingerprint);
  }

  async set(fingerprint: string, entry: UrlStorageEntry): Promise<void> {
    // A partial upload of `--parallel` is kept whatever its size: its file is big.
    if (
      entry.size !== undefined &&
      entry.size < this.minSize &&
      !fingerprint.includes('#parallel:')
    ) {
      return;
    }
    await this.inner.set(fingerprint, entry);
  }

  remove(fingerprint: string): Promise<void> {
    return this.inner.remove(fingerprint);
  }

  list(): Promise<StoredUpload[]> {
    return this.inner.list();
  }
}
