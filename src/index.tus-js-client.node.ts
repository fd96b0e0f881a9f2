/**
 * `resumable-upload/tus-js-client` in Node: tus-js-client 4's API on our engine, for code
 * (Uppy's Companion, scripts) written for tus-js-client. See docs/tus-js-client.md.
 */
import { nodeFingerprint } from './compat/fingerprint.node.js';
import { DefaultHttpStack } from './compat/http-objects.js';
import { OwnFileReader } from './compat/input.js';
import { prepareNodeInput } from './compat/input.node.js';
import { COMMON_DEFAULTS } from './compat/options.js';
import type { DefaultOptions, UploadFile, UploadOptions } from './compat/types.js';
import { BaseUpload, type CompatPlatform, terminateUpload } from './compat/upload.js';
import { NoopUrlStorage } from './compat/url-storages.js';
import { TusClient } from './index.node.js';

/** The options every `Upload` starts from (change them to change every later `Upload`). */
export const defaultOptions: DefaultOptions = {
  ...COMMON_DEFAULTS,
  httpStack: new DefaultHttpStack(),
  fileReader: new OwnFileReader(),
  urlStorage: new NoopUrlStorage(),
  fingerprint: nodeFingerprint,
};

const platform: CompatPlatform = {
  defaults: defaultOptions,
  createClient: (endpoint, options) => new TusClient(endpoint, options),
  prepareInput: prepareNodeInput,
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

/** Node has everything this needs. */
export const isSupported = true;
/** URLs can be stored (give a `FileUrlStorage` as `urlStorage`: the default stores none). */
export const canStoreURLs = true;

export { DetailedError } from './compat/detailed-error.js';
export { FileUrlStorage } from './compat/file-url-storage.node.js';
export { DefaultHttpStack } from './compat/http-objects.js';
export { enableDebugLog } from './compat/logger.js';
export { defaultOnShouldRetry } from './compat/options.js';
export type * from './compat/types.js';
