/**
 * The browser entry of resumable-upload: the shared core with `fetch`, `Blob` slices and
 * Web Crypto plugged in. No `node:` module is reachable from here (a test checks the bundle).
 */
import { webCryptoChecksum } from './checksum/web-crypto-checksum.js';
import { BaseTusClient, type TusClientApi } from './client.js';
import type { TusClientOptions } from './options.js';
import type { Platform } from './platform.js';
import { openBrowserSource } from './sources/open-source.browser.js';
import { FetchTransport } from './transport/fetch-transport.js';

/** The browser's adapters. */
export const browserPlatform: Platform = {
  name: 'browser',
  createTransport: (options) => new FetchTransport(options),
  openSource: openBrowserSource,
  checksum: webCryptoChecksum,
};

/**
 * A tus client for browsers.
 * @example
 * const client = new TusClient('https://tus.example.com/files', { chunkSize: 8 * 1024 * 1024 });
 * const url = await client.uploadFile({ input: file, metadata: { filename: file.name } });
 */
export class TusClient extends BaseTusClient {
  constructor(url: string, options: TusClientOptions = {}) {
    super(url, options, browserPlatform);
  }
}

TusClient satisfies new (
  url: string,
  options?: TusClientOptions,
) => TusClientApi;

export type { TusClientApi } from './client.js';
export * from './errors/index.js';
export type { TusClientOptions } from './options.js';
export type {
  AfterResponseHook,
  BeforeRequestHook,
  ChecksumAlgorithm,
  CreateUploaderOptions,
  InputOptions,
  RequestOptions,
  ResumeUploadOptions,
  ServerInfo,
  ShouldRetryHook,
  UploadFileOptions,
  UploadInfo,
  UploadInput,
  UploadMetadata,
  UploadStats,
} from './types.js';
export type { Uploader } from './upload/uploader.js';
