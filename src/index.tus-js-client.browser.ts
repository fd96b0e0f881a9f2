/**
 * `resumable-upload/tus-js-client` in browsers: tus-js-client 4's API on our engine, so
 * that Uppy (`@uppy/tus`) and other code written for tus-js-client run on it through a
 * package alias. See docs/tus-js-client.md.
 */
import { browserFingerprint } from './compat/fingerprint.browser.js';
import { DefaultHttpStack } from './compat/http-objects.js';
import { prepareBrowserInput } from './compat/input.browser.js';
import { OwnFileReader } from './compat/input.js';
import { COMMON_DEFAULTS } from './compat/options.js';
import type { DefaultOptions, UploadFile, UploadOptions } from './compat/types.js';
import { BaseUpload, type CompatPlatform, terminateUpload } from './compat/upload.js';
import { NoopUrlStorage } from './compat/url-storages.js';
import { canStoreURLs, WebStorageUrlStorage } from './compat/web-storage.browser.js';
import { TusClient } from './index.browser.js';

/** The options every `Upload` starts from (change them to change every later `Upload`). */
export const defaultOptions: DefaultOptions = {
  ...COMMON_DEFAULTS,
  httpStack: new DefaultHttpStack(),
  fileReader: new OwnFileReader(),
  urlStorage: canStoreURLs ? new WebStorageUrlStorage() : new NoopUrlStorage(),
  fingerprint: browserFingerprint,
};

const platform: CompatPlatform = {
  defaults: defaultOptions,
  createClient: (endpoint, options) => new TusClient(endpoint, options),
  prepareInput: prepareBrowserInput,
};

/** tus-js-client's `Upload`, on resumable-upload's `TusClient`. */
export class Upload extends BaseUpload {
  constructor(file: UploadFile, options: UploadOptions = {}) {
    super(file, options, platform);
  }

  /** Deletes the upload at `url` (termination extension), retried by `retryDelays`. */
  static terminate(url: string, options: UploadOptions = {}): Promise<void> {
    return terminateUpload(platform, url, options);
  }
}

/** Whether this browser has what the engine needs (`fetch`, `Blob` slices). */
export const isSupported: boolean =
  typeof fetch === 'function' &&
  typeof Blob === 'function' &&
  typeof Blob.prototype.slice === 'function';

export { DetailedError } from './compat/detailed-error.js';
export { DefaultHttpStack } from './compat/http-objects.js';
export { enableDebugLog } from './compat/logger.js';
export { defaultOnShouldRetry } from './compat/options.js';
export type * from './compat/types.js';
export { canStoreURLs };
