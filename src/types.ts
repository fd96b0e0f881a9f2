/**
 * Public types shared by the Node and browser entry points. Platform-free: no `node:`
 * import, no DOM-only global used at run time.
 */
import type { TusError } from './errors/index.js';

/** Checksum algorithms of the tus checksum extension that this client can compute. */
export type ChecksumAlgorithm = 'sha1' | 'sha256' | 'sha512' | 'md5';

/**
 * What can be uploaded. In Node also a file path (`filePath`). A Node `Readable` is an
 * `AsyncIterable<Uint8Array>`; a web `ReadableStream` is accepted as is.
 */
export type UploadInput =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** Upload metadata: keys are non-empty ASCII without spaces or commas; values are strings. */
export type UploadMetadata = Readonly<Record<string, string>>;

/** A snapshot of an upload's progress. */
export interface UploadStats {
  /** Bytes the server has confirmed (its `Upload-Offset`). */
  bytesUploaded: number;
  /**
   * Bytes sent so far, counting the chunk in flight (in Node: handed to the socket; in
   * browsers: as the XHR reports them). Back to `bytesUploaded` after a failure.
   */
  bytesSent: number;
  /** Total bytes to upload; `undefined` while the length is unknown (deferred). */
  totalBytes: number | undefined;
  /** Bytes the server held when this uploader started (resumed uploads start above 0). */
  startOffset: number;
  /** Chunks (PATCH requests) that succeeded. */
  chunksCompleted: number;
  /** Retries made so far (all chunks). */
  retries: number;
  /** Bytes sent more than once because of retries or 409 resyncs. */
  bytesResent: number;
  /** Milliseconds since the uploader started. */
  elapsedMs: number;
  /** Smoothed upload speed in bytes per second. */
  bytesPerSecond: number;
  /** Estimated milliseconds left; `undefined` when unknown (nothing moving, or the total unknown). */
  etaMs: number | undefined;
  /** The size of the chunk being sent (or the next one), in bytes; it changes with `chunkSize: 'auto'`. */
  chunkSize: number;
  /** While the uploader waits before a retry: why, which attempt, and when; else `undefined`. */
  retry: RetryState | undefined;
  /** The checksum algorithm used on each PATCH, `undefined` when none was. */
  checksumAlgorithm: ChecksumAlgorithm | undefined;
  /** The upload URL, once the server created it. */
  uploadUrl: string | undefined;
}

/** A retry the uploader is waiting for (`UploadStats.retry`). */
export interface RetryState {
  /** The retry about to be made: 1 for the first. */
  attempt: number;
  /** Retries allowed per position (`maxRetries`). */
  maxRetries: number;
  /** How long the wait is, in ms. */
  delayMs: number;
  /** When the next try starts (`Date.now()` clock). */
  at: number;
  /** What failed. */
  error: TusError;
}

/** What `getUploadInfo` returns (from a HEAD request). */
export interface UploadInfo {
  offset: number;
  /** `undefined` while the upload's length is deferred. */
  length: number | undefined;
  complete: boolean;
  metadata: Record<string, string>;
}

/** What `getServerInfo` returns (from an OPTIONS request). */
export interface ServerInfo {
  /** The protocol version used (`Tus-Resumable` of the answer, else the preferred one). */
  version: string;
  /** Every version in `Tus-Version`, preferred first. */
  versions: string[];
  /** `Tus-Extension`, e.g. `['creation', 'checksum']`. */
  extensions: string[];
  /** `Tus-Max-Size` in bytes, `undefined` when not given. */
  maxSize: number | undefined;
  /** `Tus-Checksum-Algorithm`, lower-case, empty when not given. */
  checksumAlgorithms: string[];
}

/** Where the bytes come from: exactly one of `filePath` (Node) and `input`. */
export interface InputOptions {
  /** Path of a file to upload (Node only). Read positionally, never whole. */
  filePath?: string | undefined;
  /** Bytes to upload. */
  input?: UploadInput | undefined;
  /** Size of a stream `input` in bytes, when known. */
  uploadSize?: number | undefined;
}

/** Per-call request settings of `uploadFile` and `resumeUpload`. */
export interface CallRequestOptions {
  /**
   * Headers for this call's requests, over the client's `headers` (same name, this value;
   * checked like them; credentials among them kept to the origins `sendCredentialsTo` allows).
   * @default {}
   * @example { headers: { Authorization: `Bearer ${tokenForThisFile}` } }
   */
  headers?: Readonly<Record<string, string>> | undefined;
}

export interface UploadFileOptions extends InputOptions, CallRequestOptions {
  /**
   * The tus endpoint this upload is created at, instead of the client's: its OPTIONS is
   * asked once, and credentials go to its origin (as `sendCredentialsTo` says).
   * @default the client's endpoint
   */
  endpoint?: string | undefined;
  /** Metadata sent as `Upload-Metadata` when the upload is created. @default {} */
  metadata?: UploadMetadata | undefined;
  /**
   * Called with a stats snapshot as bytes go out (about 10 times a second), after every
   * chunk, and when a retry is scheduled (`stats.retry`).
   */
  onProgress?: ((stats: UploadStats) => void) | undefined;
  /**
   * Called with the upload URL as soon as it is known: right after the server created the
   * upload (before the first PATCH; with `storeUrl` it is stored by then), or when a stored
   * upload is resumed.
   */
  onUploadUrlAvailable?: ((uploadUrl: string) => void | Promise<void>) | undefined;
  /** Stop once the server holds this many bytes (clamped to the size). */
  stopAt?: number | undefined;
  /** Aborts the request in flight and any retry wait. */
  signal?: AbortSignal | undefined;
  /**
   * Split the input into this many byte ranges, upload each as a partial upload at the
   * same time, then concatenate them on the server (concatenation extension). Needs an
   * input that can be read at any offset (`filePath`, bytes, Blob); not with `stopAt`.
   * @default 1
   */
  parallelUploads?: number | undefined;
  /**
   * The partials' byte ranges, `end` exclusive: contiguous from 0 to the input's size.
   * @example [{ start: 0, end: 1000 }, { start: 1000, end: 5000 }]
   */
  parallelUploadBoundaries?: readonly ByteRange[] | undefined;
  /** `Upload-Metadata` of each partial upload (`metadata` goes on the final one). @default {} */
  metadataForPartialUploads?: UploadMetadata | undefined;
}

/** A byte range `[start, end)` of the input. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface CreatePartialUploadOptions extends InputOptions {
  /** `Upload-Metadata` of the partial upload. @default {} */
  metadata?: UploadMetadata | undefined;
  onProgress?: ((stats: UploadStats) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface CreateFinalUploadOptions {
  /** `Upload-Metadata` of the final upload. @default {} */
  metadata?: UploadMetadata | undefined;
  signal?: AbortSignal | undefined;
}

export interface CreateDeferredUploadOptions extends InputOptions {
  /** `Upload-Metadata` of the upload. @default {} */
  metadata?: UploadMetadata | undefined;
  onProgress?: ((stats: UploadStats) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface ResumeUploadOptions extends InputOptions, CallRequestOptions {
  /** The URL of the upload to continue. */
  uploadUrl: string;
  onProgress?: ((stats: UploadStats) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface CreateUploaderOptions extends InputOptions {
  /** An existing upload to continue; without it the uploader creates one. */
  uploadUrl?: string | undefined;
  metadata?: UploadMetadata | undefined;
  /** Overrides the client's `chunkSize` (bytes, or `'auto'`) for this uploader. */
  chunkSize?: number | 'auto' | undefined;
  /** Retries per chunk for this uploader. @default 0 (as in the seed) */
  maxRetries?: number | undefined;
  /** Overrides the client's `checksum` for this uploader. */
  checksum?: boolean | ChecksumAlgorithm | undefined;
  /** Overrides the client's `retryDelay` (ms) for this uploader. */
  retryDelay?: number | undefined;
  /** Overrides the client's `timeout` (ms) for this uploader. */
  timeout?: number | undefined;
  onProgress?: ((stats: UploadStats) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** An upload found in URL storage by `findPreviousUploads`. */
export interface PreviousUpload {
  /** The fingerprint of the input, the key it is stored under. */
  fingerprint: string;
  uploadUrl: string;
  /** Size of the input when the upload was created, `undefined` when unknown. */
  size: number | undefined;
  /** When the upload was created, ISO 8601 (`2025-01-31T12:00:00.000Z`). */
  createdAt: string;
  /** The metadata it was created with. */
  metadata: Record<string, string>;
  /** The endpoint it was created at (absent in entries stored by earlier versions). */
  endpoint?: string | undefined;
}

/** Options of requests that are not uploads. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Hook called before every HTTP request; may change `headers` in place, and `settings`
 * (whether a browser sends cookies with this request).
 */
export type BeforeRequestHook = (
  method: string,
  url: string,
  headers: Record<string, string>,
  settings: RequestSettings,
) => void | Promise<void>;

/** What `beforeRequest` may change of a request besides its headers. */
export interface RequestSettings {
  /**
   * Browsers: `'include'` sends cookies to another origin with this request. Starts as the
   * client's `credentials` option; ignored in Node.
   */
  credentials: 'same-origin' | 'include';
}

/**
 * Hook called after every HTTP response. `response` has its headers (lower-case names) and
 * body text (truncated), and `requestHeaders`: the very object `beforeRequest` was given
 * for this request, so the two hooks can pair a request with its answer.
 */
export type AfterResponseHook = (
  method: string,
  url: string,
  status: number,
  response: ResponseDetails,
) => void | Promise<void>;

/** What `afterResponse` is told about a response besides its status. */
export interface ResponseDetails {
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Response body as text, truncated (64 KiB by default). */
  readonly body: string;
  /** The request's headers as sent: the object `beforeRequest` saw (and may have changed). */
  readonly requestHeaders: Readonly<Record<string, string>>;
}

/** Consulted before every retry: return `false` to fail now. */
export type ShouldRetryHook = (error: TusError, attempt: number) => boolean | Promise<boolean>;

/** `credentials`: what fetch calls `'same-origin'` and `'include'` (XHR `withCredentials`). */
export type RequestCredentialsMode = 'same-origin' | 'include';

/** `sendCredentialsTo`: the origins that get the user's credential headers. */
export type CredentialOrigins = 'endpoint-origin' | 'any-origin' | readonly string[];
