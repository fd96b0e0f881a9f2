/**
 * What a platform entry (`index.node.ts`, `index.browser.ts`) plugs into the shared core.
 */
import type { ChecksumProvider } from './checksum/checksum-provider.js';
import type { FingerprintHashAlgorithm, IncrementalHash } from './fingerprint/fingerprinter.js';
import type { NetworkOptions, TusClientOptions } from './options.js';
import type { UploadSource } from './sources/upload-source.js';
import type { UrlStorage } from './storage/url-storage.js';
import type { HttpTransport, TransportOptions } from './transport/http-transport.js';
import type { InputOptions } from './types.js';

export interface Platform {
  readonly name: 'node' | 'browser';
  createTransport(options: TransportOptions): HttpTransport;
  /**
   * Opens the input; a missing file or unusable input is a `TusInputError`. When `signal`
   * aborts, rejects with its reason.
   */
  openSource(input: InputOptions, signal?: AbortSignal): Promise<UploadSource>;
  readonly checksum: ChecksumProvider;
  /** Incremental hashes for fingerprints; without it only `CallableFingerprint` works. */
  readonly fingerprintHash?: (algorithm: FingerprintHashAlgorithm) => IncrementalHash | undefined;
  /** Checks of the options only this platform takes (Node: `proxy`, `agents`, `ca`...). */
  readonly checkNetworkOptions?: (options: TusClientOptions) => NetworkOptions;
  /** The URL storage used when `storeUrl` is on and no `urlStorage` is given. */
  readonly defaultUrlStorage?: () => UrlStorage;
}
