/**
 * `parallelUploads`: the input split into byte ranges, each sent as an `Upload-Concat:
 * partial` upload by its own `Uploader` (chunk loop, retries, checksums) at the same time,
 * then one `final` upload that the server concatenates from them.
 */
import { TusError, TusInputError, TusUploadFailed } from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { UploadStats } from '../types.js';
import { type ByteRange, checkBoundaries, splitRanges } from './boundaries.js';
import { createFinal } from './parallel-final.js';
import { ParallelProgress } from './parallel-progress.js';
import { type RunFailure, runAllOrStop } from './parallel-run.js';
import { sliceSource } from './parallel-source.js';
import type { PartialUrlStore } from './parallel-store.js';
import { abortError } from './response-errors.js';
import { chooseChecksum, requireFeature } from './server-extensions.js';
import { Uploader, type UploaderContext } from './uploader.js';

export interface ParallelSettings {
  openSource: () => Promise<UploadSource>;
  /** How many partials (when `boundaries` is not given). */
  parts: number;
  /** The caller's ranges, shape checked already; checked against the size here. */
  boundaries?: readonly ByteRange[] | undefined;
  /** `Upload-Metadata` of the final upload. */
  metadataHeader?: string | undefined;
  /** `Upload-Metadata` of each partial. */
  partialMetadataHeader?: string | undefined;
  chunkSize: number | 'auto';
  maxRetries: number;
  onProgress?: ((stats: UploadStats) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** With `storeUrl`: where the partials' URLs are kept, to resume them. */
  store?: PartialUrlStore | undefined;
  /** Called with the final upload's URL once it exists. */
  onUploadUrlAvailable?: ((uploadUrl: string) => void | Promise<void>) | undefined;
}

/** Uploads the input as parallel partials, then the final upload; resolves with its URL. */
export async function uploadParallel(
  ctx: UploaderContext,
  settings: ParallelSettings,
): Promise<string> {
  const { signal } = settings;
  if (signal?.aborted) throw abortError(signal.reason, 0, undefined, undefined, 'parallel upload');
  const source = await settings.openSource();
  try {
    if (!source.seekable || source.size === undefined) {
      throw new TusInputError(
        'parallelUploads needs an input that can be read at any offset (filePath, a Uint8Array/ArrayBuffer or a Blob): a stream can only be read forward',
      );
    }
    const size = source.size;
    const ranges =
      settings.boundaries === undefined
        ? splitRanges(size, settings.parts)
        : checkBoundaries(settings.boundaries, size);
    await requireFeature(ctx, 'concatenation', 'for parallelUploads', signal);
    // Checked once here, so that a bad `checksum` is its own typed error, not a partial's.
    await chooseChecksum(ctx, signal);
    const { store } = settings;
    const stored = store === undefined ? [] : await store.load(source, ranges);
    const progress = new ParallelProgress(ranges.length, size);
    const uploaders: Uploader[] = [];
    const report = (index: number, stats: UploadStats) => {
      progress.update(index, stats);
      settings.onProgress?.(progress.snapshot());
    };
    const tasks = ranges.map((range, index) => async (partSignal: AbortSignal) => {
      const uploader = new Uploader(ctx, {
        openSource: async () => sliceSource(source, range),
        uploadUrl: stored[index],
        onCreated: store === undefined ? undefined : (url) => store.save(index, url),
        metadataHeader: settings.partialMetadataHeader,
        partial: true,
        chunkSize: settings.chunkSize,
        maxRetries: settings.maxRetries,
        onProgress: (stats) => report(index, stats),
        signal: partSignal,
      });
      uploaders[index] = uploader;
      try {
        return await uploader.upload();
      } finally {
        await uploader.close();
      }
    });
    const urls = await runAllOrStop(tasks, signal, (failure) => {
      const done = progress.snapshot().bytesUploaded;
      if (signal?.aborted) {
        return abortError(signal.reason, done, size, undefined, 'parallel upload');
      }
      return partialFailed(failure, ranges, uploaders[failure.index]?.url, done);
    });
    const url = await createFinal(ctx, urls, settings.metadataHeader, signal);
    await store?.finish(url);
    await settings.onUploadUrlAvailable?.(url);
    progress.uploadUrl = url;
    settings.onProgress?.(progress.snapshot());
    return url;
  } finally {
    await source.close();
  }
}

/** The whole upload's error for a failed partial: the partial's error is its `cause`. */
function partialFailed(
  failure: RunFailure,
  ranges: readonly ByteRange[],
  partialUrl: string | undefined,
  offset: number,
): TusUploadFailed {
  const { index, error } = failure;
  const range = ranges[index];
  const bytes =
    range === undefined || range.end === range.start
      ? 'no bytes'
      : `bytes ${range.start}-${range.end - 1}`;
  const where = partialUrl === undefined ? '' : ` at ${displayUrl(partialUrl)}`;
  const message = error instanceof Error ? error.message : String(error);
  const facts =
    error instanceof TusError
      ? {
          method: error.method,
          url: error.url,
          status: error.status,
          responseHeaders: error.responseHeaders,
          responseBody: error.responseBody,
        }
      : {};
  return new TusUploadFailed(
    `parallel upload failed: partial ${index + 1} of ${ranges.length} (${bytes})${where}: ${message}`,
    { ...facts, cause: error, offset, uploadUrl: undefined },
  );
}
