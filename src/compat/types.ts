/**
 * The contract of tus-js-client 4 (its `lib/index.d.ts`), restated for our adapter, plus
 * our extra options. Platform-free; the adapter's classes implement these shapes.
 */
import type { ChecksumAlgorithm } from '../types.js';
import type { DetailedError } from './detailed-error.js';
import type { HttpRequest, HttpResponse, HttpStack } from './http-types.js';

/**
 * What an `Upload` uploads: a `File`/`Blob`, bytes (a Node `Buffer` is a `Uint8Array`), a
 * reader (`{ read() }`, as tus-js-client takes streams in browsers), a web `ReadableStream`
 * or any async iterable of bytes (a Node `Readable`; an `fs.ReadStream` of a file is read
 * by its path, so it can be resumed and retried at any offset).
 */
export type UploadFile =
  | Blob
  | Uint8Array
  | ArrayBuffer
  | Pick<ReadableStreamDefaultReader, 'read'>
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** The options of an `Upload`: tus-js-client's, and our extras at the end. */
export interface UploadOptions {
  endpoint?: string | null | undefined;
  uploadUrl?: string | null | undefined;
  metadata?: { [key: string]: string } | undefined;
  metadataForPartialUploads?: { [key: string]: string } | undefined;
  fingerprint?:
    | ((file: UploadFile, options: UploadOptions) => Promise<string | null>)
    | null
    | undefined;
  uploadSize?: number | null | undefined;

  onProgress?: ((bytesSent: number, bytesTotal: number) => void) | null | undefined;
  onChunkComplete?:
    | ((chunkSize: number, bytesAccepted: number, bytesTotal: number) => void)
    | null
    | undefined;
  onSuccess?: ((payload: OnSuccessPayload) => void) | null | undefined;
  onError?: ((error: Error | DetailedError) => void) | null | undefined;
  onShouldRetry?:
    | ((error: DetailedError, retryAttempt: number, options: UploadOptions) => boolean)
    | null
    | undefined;
  onUploadUrlAvailable?: (() => void) | null | undefined;

  /** Refused when `true` (see docs/tus-js-client.md). */
  overridePatchMethod?: boolean | undefined;
  headers?: { [key: string]: string } | undefined;
  /** Adds `X-Request-ID` (a random UUID) to every request. */
  addRequestId?: boolean | undefined;
  onBeforeRequest?: ((req: HttpRequest) => void | Promise<void>) | null | undefined;
  onAfterResponse?:
    | ((req: HttpRequest, res: HttpResponse) => void | Promise<void>)
    | null
    | undefined;

  /** Bytes per PATCH; `Infinity` (tus-js-client's default) means ours: `'auto'` (adaptive). */
  chunkSize?: number | undefined;
  retryDelays?: number[] | null | undefined;
  parallelUploads?: number | undefined;
  parallelUploadBoundaries?: { start: number; end: number }[] | null | undefined;
  storeFingerprintForResuming?: boolean | undefined;
  removeFingerprintOnSuccess?: boolean | undefined;
  uploadLengthDeferred?: boolean | undefined;
  uploadDataDuringCreation?: boolean | undefined;

  urlStorage?: UrlStorage | null | undefined;
  /** Only the default one (`defaultOptions.fileReader`): our sources read the input. */
  fileReader?: FileReader | null | undefined;
  /** Only the default one (`defaultOptions.httpStack`): our transport sends the requests. */
  httpStack?: HttpStack | null | undefined;
  /**
   * `'tus-v1'` (tus 1.0.0), or the IETF draft: `'ietf-draft-03'`, `'ietf-draft-05'` (as
   * tus-js-client), `'ietf-draft-11'` and `'ietf-draft-12'` (see docs/protocols.md).
   */
  protocol?: string | undefined;

  /**
   * Ours: a checksum on every PATCH (tus checksum extension). `true` = sha1 when the server
   * offers it; an algorithm name = that one; `false` = none.
   * @default true
   */
  checksum?: boolean | ChecksumAlgorithm | undefined;
  /**
   * Ours: milliseconds without a byte moving before a request is abandoned (and retried);
   * our `timeout`.
   * @default 30_000
   */
  stallTimeout?: number | undefined;
  /**
   * Ours: which origins receive the credential headers (`Authorization`, `Cookie`,
   * `Proxy-Authorization` and the `sensitiveHeaders`), from `headers` or set in
   * `onBeforeRequest`. `'endpoint-origin'`: only the origin of the `endpoint` (without one,
   * of the `uploadUrl`, or of the URL given to `Upload.terminate`); an array of origins:
   * those as well; `'any-origin'`: every request, as tus-js-client sends them. As our
   * `sendCredentialsTo` (see docs/security.md).
   * @default 'endpoint-origin'
   * @example { sendCredentialsTo: ['https://storage.example.com'] }
   */
  sendCredentialsTo?: 'endpoint-origin' | 'any-origin' | readonly string[] | undefined;
  /**
   * Ours: more header names (case-insensitive) that are credentials, kept to the origins
   * `sendCredentialsTo` allows, like `Authorization`.
   * @default []
   * @example { sensitiveHeaders: ['X-Api-Key'] }
   */
  sensitiveHeaders?: readonly string[] | undefined;
}

/** `defaultOptions`: every option, with the platform's httpStack, fileReader, urlStorage and fingerprint. */
export type DefaultOptions = UploadOptions & {
  [K in 'httpStack' | 'fileReader' | 'urlStorage' | 'fingerprint']-?: NonNullable<UploadOptions[K]>;
};

export interface OnSuccessPayload {
  lastResponse: HttpResponse;
}

/** tus-js-client's URL storage: several entries per fingerprint, each under its own key. */
export interface UrlStorage {
  findAllUploads(): Promise<PreviousUpload[]>;
  findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]>;
  removeUpload(urlStorageKey: string): Promise<void>;
  /** Returns the URL storage key, which can be used for removing the upload. */
  addUpload(fingerprint: string, upload: PreviousUpload): Promise<string>;
}

export interface PreviousUpload {
  size: number | null;
  metadata: { [key: string]: string };
  creationTime: string;
  urlStorageKey: string;
  uploadUrl: string | null;
  parallelUploadUrls: string[] | null;
}

/** tus-js-client's input reader (accepted only as `defaultOptions.fileReader`). */
export interface FileReader {
  openFile(input: unknown, chunkSize: number): Promise<FileSource>;
}

export interface FileSource {
  size: number;
  slice(start: number, end: number): Promise<SliceResult>;
  close(): void;
}

export interface SliceResult {
  value: unknown;
  done: boolean;
}

export type { HttpRequest, HttpResponse, HttpStack } from './http-types.js';
