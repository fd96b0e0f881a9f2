/** Runs a compat `Upload` to its end: its callbacks as a promise and a record. */
import type {
  DetailedError,
  HttpResponse,
  UploadOptions,
} from '../../src/index.tus-js-client.node.js';
import { Upload } from '../../src/index.tus-js-client.node.js';

export interface UploadRecord {
  upload: Upload;
  /** `[bytesSent, bytesTotal]` of every `onProgress`. */
  progress: [number, number][];
  /** `[chunkSize, bytesAccepted, bytesTotal]` of every `onChunkComplete`. */
  chunks: [number, number, number][];
  /** Settles on `onSuccess` (with `lastResponse`) or `onError` (rejects with the error). */
  done: Promise<HttpResponse>;
}

export function startUpload(
  file: ConstructorParameters<typeof Upload>[0],
  options: UploadOptions,
  start = true,
): UploadRecord {
  const progress: [number, number][] = [];
  const chunks: [number, number, number][] = [];
  let settle: { resolve(r: HttpResponse): void; reject(e: DetailedError | Error): void };
  const done = new Promise<HttpResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const upload = new Upload(file, {
    ...options,
    onProgress: (sent, total) => {
      progress.push([sent, total]);
      options.onProgress?.(sent, total);
    },
    onChunkComplete: (size, accepted, total) => {
      chunks.push([size, accepted, total]);
      options.onChunkComplete?.(size, accepted, total);
    },
    onSuccess: (payload) => settle.resolve(payload.lastResponse),
    onError: (error) => settle.reject(error),
  });
  if (start) upload.start();
  return { upload, progress, chunks, done };
}
