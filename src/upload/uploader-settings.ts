/** What an `Uploader` borrows from its client, and what each one is told to do. */
import type { ChecksumProvider } from '../checksum/checksum-provider.js';
import type { ResolvedClientOptions } from '../options.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { ServerInfo, UploadStats } from '../types.js';
import type { ServerChunkLimits } from './chunk-sizing.js';
import type { UploadProtocol } from './protocols/upload-protocol.js';
import type { Requester } from './requester.js';

/** What an uploader borrows from its client. */
export interface UploaderContext {
  readonly endpoint: string;
  readonly requester: Requester;
  readonly protocol: UploadProtocol;
  readonly checksum: ChecksumProvider;
  readonly options: ResolvedClientOptions;
  /** What each server refused with 413 (shared by the client's uploaders). */
  readonly chunkLimits: ServerChunkLimits;
  /** The server's OPTIONS answer, fetched once per client. */
  serverInfo(signal?: AbortSignal): Promise<ServerInfo>;
}

export interface UploaderSettings {
  openSource: () => Promise<UploadSource>;
  uploadUrl?: string | undefined;
  /** The encoded `Upload-Metadata` value, checked already. */
  metadataHeader?: string | undefined;
  /** Whether the upload is created as a partial upload of the concatenation extension. */
  partial?: boolean | undefined;
  /**
   * When the upload is created with its length unknown to the server (tus:
   * creation-defer-length), the length then sent with the last bytes: `'unknown'` when the
   * input's size is unknown (a stream without `uploadSize`), `'always'` for any input.
   * @default 'unknown'
   */
  deferLength?: 'unknown' | 'always' | undefined;
  /** Called once the server created the upload, before the first append (URL storage). */
  onCreated?: ((uploadUrl: string) => Promise<void> | void) | undefined;
  /** SHA-256 (hex) of the whole input, when known already (the default fingerprint). */
  inputSha256?: string | undefined;
  /** Bytes per chunk, or `'auto'` (sizes follow the link, chunk-sizing.ts). */
  chunkSize: number | 'auto';
  maxRetries: number;
  stopAt?: number | undefined;
  onProgress?: ((stats: UploadStats) => void) | undefined;
  signal?: AbortSignal | undefined;
}
