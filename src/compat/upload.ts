/**
 * `BaseUpload`: tus-js-client's `Upload` on our `TusClient`. `start()` runs one upload
 * (create, or resume the URL it has) with the callbacks tus-js-client calls; retries
 * happen inside `TusClient`, paced by `retryDelays` and decided by `onShouldRetry`.
 * Platform-free: an entry point (`index.tus-js-client.*.ts`) gives it a `CompatPlatform`.
 */
import type { TusClientApi } from '../client-api.js';
import { TusError } from '../errors/index.js';
import type { TusClientOptions } from '../options.js';
import type { InputOptions, UploadStats } from '../types.js';
import { CredentialScope, credentialBase } from './credential-scope.js';
import { DetailedError } from './detailed-error.js';
import { CompatResponse, UnderlyingRequest } from './http-objects.js';
import type { PreparedInput } from './input.js';
import { log } from './logger.js';
import { checkUploadOptions, stringValues, toClientOptions } from './options.js';
import { RequestTrail } from './request-trail.js';
import type { PreviousUpload, UploadFile, UploadOptions, UrlStorage } from './types.js';
import { NoopUrlStorage } from './url-storages.js';

/** What an entry point gives the adapter. */
export interface CompatPlatform {
  /** `defaultOptions` of this platform (merged under the caller's options). */
  readonly defaults: UploadOptions;
  /** A `TusClient` of this platform. */
  createClient(endpoint: string, options: TusClientOptions): TusClientApi;
  /** The caller's input as ours; an unusable one is a `TypeError`. */
  prepareInput(file: unknown): Promise<PreparedInput>;
}

export class BaseUpload {
  /** The input, as given. */
  file: UploadFile;
  /** The options, merged over the platform's `defaultOptions`. */
  options: UploadOptions;
  /** The upload URL, once created (or resumed); `null` before. */
  url: string | null = null;
  readonly #platform: CompatPlatform;
  #input: PreparedInput | undefined;
  #fingerprint: string | null = null;
  #urlStorageKey: string | null = null;
  /** Bumped by `start()` and `abort()`: callbacks of an older run are dropped. */
  #generation = 0;
  #controller: AbortController | undefined;
  /** The current run (never rejects): a new one starts once it has settled. */
  #running: Promise<void> = Promise.resolve();

  constructor(file: UploadFile, options: UploadOptions, platform: CompatPlatform) {
    checkUploadOptions(options, platform.defaults);
    this.file = file;
    this.options = { ...platform.defaults, ...options };
    this.#platform = platform;
  }

  /** The stored uploads of this input (by `fingerprint`), for `resumeFromPreviousUpload`. */
  async findPreviousUploads(): Promise<PreviousUpload[]> {
    const fingerprint = await this.#fingerprintOf();
    if (fingerprint == null) return [];
    return this.#storage().findUploadsByFingerprint(fingerprint);
  }

  /** Continue `previousUpload` on the next `start()` (its parallel parts are not resumed). */
  resumeFromPreviousUpload(previousUpload: PreviousUpload): void {
    this.url = previousUpload.uploadUrl ?? null;
    this.#urlStorageKey = previousUpload.urlStorageKey;
  }

  /** Starts (or, after `abort()`, resumes) the upload; the outcome reaches the callbacks. */
  start(): void {
    this.#controller?.abort();
    const generation = ++this.#generation;
    const controller = new AbortController();
    this.#controller = controller;
    this.#running = this.#running.then(() => this.#run(generation, controller));
  }

  /**
   * Stops the request in flight and any retry wait; no callback is called after it. With
   * `shouldTerminate`, the upload is also deleted from the server (and from URL storage).
   */
  async abort(shouldTerminate = false): Promise<void> {
    this.#generation++;
    this.#controller?.abort();
    if (!shouldTerminate || this.url === null) return;
    await this.#terminate(this.url);
    await this.#forget();
  }

  /**
   * Deletes `url` from the server, with this upload's options (the entry's `terminate`);
   * the credentials go where this upload's other requests may take them.
   */
  #terminate(url: string): Promise<void> {
    return terminateUpload(this.#platform, url, this.options, this.#credentialBase());
  }

  /** The URL this upload's `headers` were given for (credential-scope.ts). */
  #credentialBase(): string | null {
    return credentialBase(this.options, this.options.uploadUrl);
  }

  async #run(generation: number, controller: AbortController): Promise<void> {
    const live = () => generation === this.#generation && !controller.signal.aborted;
    const trail = new RequestTrail(
      this.options,
      controller.signal,
      () => void this.abort(),
      new CredentialScope(this.#credentialBase(), this.options),
    );
    let client: TusClientApi | undefined;
    try {
      if (!live()) return;
      const plan = await this.#plan();
      if (!live()) return;
      client = this.#platform.createClient(
        plan.endpoint,
        toClientOptions(this.options, trail.hooks()),
      );
      await this.#upload(client, plan, controller.signal, live);
      if (!live()) return;
      this.#input?.release();
      if (this.options.removeFingerprintOnSuccess === true) await this.#forget();
      if (!live()) return;
      const lastResponse =
        trail.lastResponse ??
        new CompatResponse(204, {}, '', new UnderlyingRequest(this.url ?? ''));
      this.options.onSuccess?.({ lastResponse });
    } catch (error) {
      if (!live()) return;
      this.#input?.release();
      this.#emitError(trail.toDetailedError(error));
    } finally {
      await client?.close();
    }
  }

  /** The checks tus-js-client makes in `start()`, the fingerprint and the input. */
  async #plan(): Promise<{ endpoint: string; input: InputOptions }> {
    const o = this.options;
    if (this.file == null) throw new Error('tus: no file or stream to upload provided');
    // The client's endpoint: where uploads are created and OPTIONS asked, and the origin
    // its credentials are for (the credential scope says the same for every request).
    const endpoint = [o.endpoint, o.uploadUrl, this.url].find((url) => url != null && url !== '');
    if (endpoint == null) {
      throw new Error('tus: neither an endpoint or an upload URL is provided');
    }
    const parallel = Number(o.parallelUploads ?? 1) > 1;
    if (parallel) {
      for (const name of ['uploadUrl', 'uploadSize', 'uploadLengthDeferred'] as const) {
        if (o[name]) {
          throw new Error(`tus: cannot use the ${name} option when parallelUploads is enabled`);
        }
      }
    } else if (o.parallelUploadBoundaries != null) {
      throw new Error(
        'tus: cannot use the `parallelUploadBoundaries` option when `parallelUploads` is disabled',
      );
    }
    const fingerprint = await this.#fingerprintOf();
    log(
      fingerprint == null
        ? 'No fingerprint was calculated meaning that the upload cannot be stored in the URL storage.'
        : `Calculated fingerprint: ${fingerprint}`,
    );
    this.#fingerprint = fingerprint;
    this.#input ??= await this.#platform.prepareInput(this.file);
    const input: InputOptions = { ...this.#input.options };
    if (o.uploadLengthDeferred !== true && o.uploadSize != null) {
      input.uploadSize = Number(o.uploadSize);
      if (Number.isNaN(input.uploadSize)) {
        throw new Error('tus: cannot convert `uploadSize` option into a number');
      }
    } else if (this.#input.size === undefined && o.uploadLengthDeferred !== true) {
      throw new Error(
        "tus: cannot automatically derive upload's size from input. Specify it manually using the `uploadSize` option or use the `uploadLengthDeferred` option",
      );
    }
    return { endpoint, input };
  }

  async #upload(
    client: TusClientApi,
    plan: { endpoint: string; input: InputOptions },
    signal: AbortSignal,
    live: () => boolean,
  ): Promise<void> {
    const o = this.options;
    const common = {
      ...plan.input,
      signal,
      onProgress: this.#progress(live),
    };
    const metadata = stringValues(o.metadata);
    if (Number(o.parallelUploads ?? 1) > 1) {
      this.url = await client.uploadFile({
        ...common,
        metadata,
        parallelUploads: Number(o.parallelUploads),
        ...(o.parallelUploadBoundaries == null
          ? {}
          : { parallelUploadBoundaries: o.parallelUploadBoundaries }),
        metadataForPartialUploads: stringValues(o.metadataForPartialUploads),
        onUploadUrlAvailable: (url) => this.#available(url, live, false),
      });
      return;
    }
    const known = this.url ?? o.uploadUrl ?? null;
    if (known !== null && (await this.#stillThere(client, known, signal))) {
      log(`Resuming upload from ${known}`);
      await this.#available(known, live, true);
      await client.resumeUpload({ ...common, uploadUrl: known });
      return;
    }
    log('Creating a new upload');
    this.url = await client.uploadFile({
      ...common,
      metadata,
      onUploadUrlAvailable: (url) => {
        log(`Created upload at ${url}`);
        return this.#available(url, live, true);
      },
    });
  }

  /**
   * Whether the server still has the upload at `url` (HEAD). Answered with a 4xx other
   * than 423, it is forgotten (URL storage too), and a new upload is made when there is an
   * endpoint; without one it is the error.
   */
  async #stillThere(client: TusClientApi, url: string, signal: AbortSignal): Promise<boolean> {
    try {
      await client.getUploadInfo(url, { signal });
      return true;
    } catch (error) {
      const status = error instanceof TusError ? error.status : undefined;
      if (status === undefined || status < 400 || status >= 500 || status === 423) {
        throw error;
      }
      await this.#forget();
      this.url = null;
      if (this.options.endpoint == null || this.options.endpoint === '') {
        throw new DetailedError(
          'tus: unable to resume upload (new upload cannot be created without an endpoint)',
          error as Error,
        );
      }
      return false;
    }
  }

  /** The URL is known: `upload.url`, `onUploadUrlAvailable`, and URL storage. */
  async #available(url: string, live: () => boolean, store: boolean): Promise<void> {
    if (!live()) return;
    this.url = url;
    this.options.onUploadUrlAvailable?.();
    if (!store || this.options.storeFingerprintForResuming === false) return;
    if (this.#fingerprint == null || this.#urlStorageKey !== null) return;
    const size = this.#sizeForStorage();
    const key = await this.#storage().addUpload(this.#fingerprint, {
      size,
      metadata: stringValues(this.options.metadata),
      creationTime: new Date().toString(),
      urlStorageKey: '',
      uploadUrl: url,
      parallelUploadUrls: null,
    });
    this.#urlStorageKey = key === '' ? null : key;
  }

  /**
   * `onProgress` (bytes sent, within requests too) and `onChunkComplete` (once per chunk
   * the server accepted) from our stats; the report of a scheduled retry is not passed on.
   */
  #progress(live: () => boolean): (stats: UploadStats) => void {
    let chunks = 0;
    let accepted: number | undefined;
    return (stats) => {
      if (!live()) return;
      accepted ??= stats.startOffset;
      // tus-js-client passes null while the length is deferred; so do we.
      const total = (stats.totalBytes ?? null) as number;
      if (stats.retry === undefined) this.options.onProgress?.(stats.bytesSent, total);
      if (stats.chunksCompleted > chunks) {
        chunks = stats.chunksCompleted;
        this.options.onChunkComplete?.(stats.bytesUploaded - accepted, stats.bytesUploaded, total);
        accepted = stats.bytesUploaded;
      }
    };
  }

  #emitError(error: DetailedError): void {
    const onError = this.options.onError;
    if (onError == null) {
      // As tus-js-client does without onError: the error is thrown (an unhandled rejection).
      void Promise.reject(error);
      return;
    }
    onError(error);
  }

  async #forget(): Promise<void> {
    const key = this.#urlStorageKey;
    if (key === null) return;
    this.#urlStorageKey = null;
    await this.#storage().removeUpload(key);
  }

  #sizeForStorage(): number | null {
    const o = this.options;
    if (o.uploadLengthDeferred === true) return null;
    if (o.uploadSize != null) return Number(o.uploadSize);
    return this.#input?.size ?? null;
  }

  #fingerprintOf(): Promise<string | null> {
    const fingerprint = this.options.fingerprint ?? this.#platform.defaults.fingerprint;
    return fingerprint == null
      ? Promise.resolve(null)
      : fingerprint(this.file, this.options).then((value) => value ?? null);
  }

  #storage(): UrlStorage {
    return this.options.urlStorage ?? new NoopUrlStorage();
  }
}

/**
 * `Upload.terminate`: DELETE `url`, retried by `retryDelays`; failures are `DetailedError`s.
 * The credentials in `options` are for `base`: by default the `endpoint` among them, else
 * `url` itself (the caller gave the headers with it).
 */
export async function terminateUpload(
  platform: CompatPlatform,
  url: string,
  options: UploadOptions,
  base: string | null = credentialBase({ ...platform.defaults, ...options }, url),
): Promise<void> {
  const merged = { ...platform.defaults, ...options };
  const trail = new RequestTrail(
    merged,
    new AbortController().signal,
    () => {},
    new CredentialScope(base, merged),
  );
  let client: TusClientApi | undefined;
  try {
    client = platform.createClient(base ?? url, toClientOptions(merged, trail.hooks()));
    await client.deleteUpload(url);
  } catch (error) {
    throw trail.toDetailedError(error);
  } finally {
    await client?.close();
  }
}
