/**
 * A parallel upload in URL storage (`storeUrl`): each partial's URL is stored under the
 * input's fingerprint plus the partial's range as soon as the server creates it, so that a
 * later `uploadFile` of the same input, split the same way, resumes every partial instead
 * of starting again. Once the final upload exists, the partials' entries are removed.
 */
import type { UploadSource } from '../sources/upload-source.js';
import type { ByteRange, InputOptions, UploadInfo, UploadMetadata } from '../types.js';
import { serverStateOf, type UrlStore } from './url-store.js';

export interface PartialUrlStore {
  /** The stored URL of each range that the server still holds with that length. */
  load(source: UploadSource, ranges: readonly ByteRange[]): Promise<(string | undefined)[]>;
  /** Stores the URL of partial `index` (right after the server created it). */
  save(index: number, uploadUrl: string): Promise<void>;
  /** The final upload exists: forgets the partials (and keeps the final URL if asked to). */
  finish(finalUrl: string): Promise<void>;
}

export interface PartialUrlStoreDeps {
  /** The endpoint the partials and the final upload are created at. */
  endpoint: string;
  input: InputOptions;
  metadata: UploadMetadata;
  /** HEAD of an upload (the client's `getUploadInfo`). */
  getUploadInfo(uploadUrl: string): Promise<UploadInfo>;
}

/** The storage key of partial `index` of `ranges`. */
export function partialKey(fingerprint: string, ranges: readonly ByteRange[], index: number) {
  const range = ranges[index];
  return `${fingerprint}#parallel:${index + 1}/${ranges.length}:${range?.start}-${range?.end}`;
}

export function partialUrlStore(store: UrlStore, deps: PartialUrlStoreDeps): PartialUrlStore {
  let fingerprint = '';
  let size: number | undefined;
  let keys: string[] = [];
  let lengths: number[] = [];
  return {
    async load(source, ranges) {
      fingerprint = await store.fingerprint(source, deps.input);
      size = source.size;
      keys = ranges.map((_, index) => partialKey(fingerprint, ranges, index));
      lengths = ranges.map((range) => range.end - range.start);
      return Promise.all(
        keys.map(async (key, index) => {
          const found = await store.find(key);
          if (found === undefined) return undefined;
          const info = await serverStateOf(found.uploadUrl, deps);
          if (info?.length !== lengths[index]) {
            // Gone from the server, or not this range: that partial starts afresh.
            await store.forget(key);
            return undefined;
          }
          return found.uploadUrl;
        }),
      );
    },
    async save(index, uploadUrl) {
      const key = keys[index];
      if (key === undefined) return;
      await store.remember(key, uploadUrl, lengths[index], deps.metadata, deps.endpoint);
    },
    async finish(finalUrl) {
      for (const key of keys) await store.forget(key);
      if (!store.removeOnSuccess) {
        await store.remember(fingerprint, finalUrl, size, deps.metadata, deps.endpoint);
      }
    },
  };
}
