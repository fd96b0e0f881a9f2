/** `TusClientApi`: what both entry points' `TusClient` classes offer. */
import type {
  CreateDeferredUploadOptions,
  CreateFinalUploadOptions,
  CreatePartialUploadOptions,
  CreateUploaderOptions,
  InputOptions,
  PreviousUpload,
  RequestOptions,
  ResumeUploadOptions,
  ServerInfo,
  UploadFileOptions,
  UploadInfo,
} from './types.js';
import type { Uploader } from './upload/uploader.js';

/** The public methods both entry points' `TusClient` classes have. */
export interface TusClientApi {
  /** Creates an upload and sends the input; resolves with the upload URL. */
  uploadFile(options: UploadFileOptions): Promise<string>;
  /** Stored uploads of this input (by fingerprint); empty when `storeUrl` is off. */
  findPreviousUploads(options: InputOptions): Promise<PreviousUpload[]>;
  /** Continues the upload at `uploadUrl` from the server's offset; resolves with its URL. */
  resumeUpload(options: ResumeUploadOptions): Promise<string>;
  /** Deletes an upload (termination extension). */
  deleteUpload(url: string, options?: RequestOptions): Promise<void>;
  /** `{ offset, length, complete, metadata }` of an upload (HEAD). */
  getUploadInfo(url: string, options?: RequestOptions): Promise<UploadInfo>;
  /** What the server offers (OPTIONS, asked once per client). */
  getServerInfo(options?: RequestOptions): Promise<ServerInfo>;
  /** An `Uploader` for chunk-by-chunk control (its own `maxRetries` defaults to 0). */
  createUploader(options: CreateUploaderOptions): Uploader;
  /** Creates and fully uploads one partial upload (concatenation); resolves with its URL. */
  createPartialUpload(options: CreatePartialUploadOptions): Promise<string>;
  /** Creates the final upload of complete partial uploads, in order; resolves with its URL. */
  createFinalUpload(urls: readonly string[], options?: CreateFinalUploadOptions): Promise<string>;
  /** Uploads with `Upload-Defer-Length: 1`, the length sent with the last bytes. */
  createDeferredUpload(options: CreateDeferredUploadOptions): Promise<string>;
  /** Releases the client's connections. */
  close(): Promise<void>;
}
