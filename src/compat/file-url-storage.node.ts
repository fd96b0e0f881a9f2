/**
 * tus-js-client's Node `FileUrlStorage(filePath)`, kept by our `FileUrlStorage` (atomic
 * writes, a lock across processes). The file is in our format: one entry per fingerprint.
 */
import { FileUrlStorage as OurFileUrlStorage } from '../storage/file-url-storage.node.js';
import { AdaptedUrlStorage } from './url-storages.js';

export class FileUrlStorage extends AdaptedUrlStorage {
  /** The JSON file. */
  readonly path: string;

  constructor(filePath: string) {
    const storage = new OurFileUrlStorage({ path: filePath });
    super(storage);
    this.path = storage.path;
  }
}
