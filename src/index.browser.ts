/**
 * The browser entry of resumable-upload: the shared core with XMLHttpRequest and `fetch`,
 * `Blob` slices sent as they are, Web Crypto checksums, `localStorage` (IndexedDB in workers)
 * for upload URLs and a `File`-suited fingerprint plugged in. No `node:` module is reachable from here (test/browser/bundle.test.ts).
 */
import { webCryptoChecksum } from './checksum/web-crypto-checksum.js';
import { BaseTusClient, type TusClientApi } from './client.js';
import { browserFingerprintHash } from './fingerprint/browser-hash.browser.js';
import { FileFingerprint } from './fingerprint/file-fingerprint.browser.js';
import type { TusClientOptions } from './options.js';
import type { Platform } from './platform.js';
import { openBrowserSource } from './sources/open-source.browser.js';
import { hasLocalStorage, IndexedDbUrlStorage } from './storage/indexeddb-url-storage.browser.js';
import { WebStorageUrlStorage } from './storage/web-storage-url-storage.browser.js';
import { XhrTransport } from './transport/xhr-transport.browser.js';

/** The browser's adapters. */
export const browserPlatform: Platform = {
  name: 'browser',
  createTransport: (options) => new XhrTransport(options),
  openSource: openBrowserSource,
  checksum: webCryptoChecksum,
  fingerprintHash: browserFingerprintHash,
  // localStorage in pages; IndexedDB where there is none (dedicated and service workers).
  defaultUrlStorage: () =>
    hasLocalStorage() ? new WebStorageUrlStorage() : new IndexedDbUrlStorage(),
};

/**
 * A tus client for browsers. Its `fingerprinter` defaults to a `FileFingerprint` (a
 * `File`'s name, type, size, lastModified and first 64 KiB).
 * @example
 * const client = new TusClient('https://tus.example.com/files', { storeUrl: true });
 * const url = await client.uploadFile({ input: file, metadata: { filename: file.name } });
 */
export class TusClient extends BaseTusClient {
  constructor(url: string, options: TusClientOptions = {}) {
    super(url, withBrowserDefaults(options), browserPlatform);
  }
}

TusClient satisfies new (
  url: string,
  options?: TusClientOptions,
) => TusClientApi;

/** `options` with the browser's default fingerprinter; anything odd is left to validation. */
function withBrowserDefaults(options: TusClientOptions): TusClientOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  if (options.fingerprinter !== undefined) return options;
  return { ...options, fingerprinter: new FileFingerprint() };
}

export type { TusClientApi } from './client.js';
export * from './errors/index.js';
export { FileFingerprint } from './fingerprint/file-fingerprint.browser.js';
export {
  CallableFingerprint,
  Fingerprint,
  type FingerprintContext,
  type Fingerprinter,
  type FingerprintHashAlgorithm,
  type FingerprintSource,
  type IncrementalHash,
  PartialMD5Fingerprint,
} from './fingerprint/fingerprinter.js';
export type {
  ClientAgents,
  NodeAgentLike,
  ResolvedClientOptions,
  TlsMaterial,
  TusClientOptions,
} from './options.js';
export type { DraftProtocol } from './protocol/ietf/interop.js';
export type { MetadataEncoding } from './protocol/metadata.js';
export type { ProtocolName, ProtocolOption } from './protocol/protocol-names.js';
export { InMemoryUrlStorage } from './storage/in-memory-url-storage.js';
export {
  type IndexedDbFactoryLike,
  IndexedDbUrlStorage,
  type IndexedDbUrlStorageOptions,
} from './storage/indexeddb-url-storage.browser.js';
export type { StoredUpload, UrlStorage, UrlStorageEntry } from './storage/url-storage.js';
export type { WebStorageLike } from './storage/web-storage-url-storage.browser.js';
export {
  WebStorageUrlStorage,
  type WebStorageUrlStorageOptions,
} from './storage/web-storage-url-storage.browser.js';
export type {
  AfterResponseHook,
  BeforeRequestHook,
  ByteRange,
  CallRequestOptions,
  ChecksumAlgorithm,
  CreateDeferredUploadOptions,
  CreateFinalUploadOptions,
  CreatePartialUploadOptions,
  CreateUploaderOptions,
  CredentialOrigins,
  InputOptions,
  PreviousUpload,
  RequestCredentialsMode,
  RequestOptions,
  RequestSettings,
  ResponseDetails,
  ResumeUploadOptions,
  RetryState,
  ServerInfo,
  ShouldRetryHook,
  UploadFileOptions,
  UploadInfo,
  UploadInput,
  UploadMetadata,
  UploadStats,
} from './types.js';
export type { Uploader } from './upload/uploader.js';
