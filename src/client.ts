/**
 * `BaseTusClient`: the public methods, on any platform. An entry point (`index.node.ts`,
 * `index.browser.ts`) subclasses it with its `Platform`.
 */

import {
  CREATE_DEFERRED_UPLOAD_KEYS,
  CREATE_FINAL_UPLOAD_KEYS,
  CREATE_PARTIAL_UPLOAD_KEYS,
  CREATE_UPLOADER_KEYS,
  checkCallOptions,
  checkEndpoint,
  checkedInput,
  checkPartialUrls,
  checkSignal,
  checkStopAt,
  checkUploadUrl,
  INPUT_KEYS,
  metadataHeaderOf,
  RESUME_UPLOAD_KEYS,
  UPLOAD_FILE_KEYS,
} from './call-options.js';
import type { TusClientApi } from './client-api.js';
import {
  checkChecksum,
  checkChunkSize,
  checkCount,
  checkDuration,
  checkFunction,
  checkHeaders,
  DEFAULTS,
  type ResolvedClientOptions,
  type TusClientOptions,
  transportOptionsOf,
  validateClientOptions,
} from './options.js';
import type { Platform } from './platform.js';
import type { UploadSource } from './sources/upload-source.js';
import type { HttpTransport } from './transport/http-transport.js';
import type {
  CallRequestOptions,
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
import { ServerChunkLimits } from './upload/chunk-sizing.js';
import { createFinal } from './upload/parallel-final.js';
import { checkParallelOptions, type ParallelPlan } from './upload/parallel-options.js';
import { partialUrlStore } from './upload/parallel-store.js';
import { uploadParallel } from './upload/parallel-upload.js';
import { protocolFor } from './upload/protocols/protocol-for.js';
import type { UploadProtocol } from './upload/protocols/upload-protocol.js';
import { Requester } from './upload/requester.js';
import { runToEnd } from './upload/run-to-end.js';
import { requireFeature } from './upload/server-extensions.js';
import { headersOver, ServerInfoCache, uploadInfoOf } from './upload/server-requests.js';
import { Uploader, type UploaderContext, type UploaderSettings } from './upload/uploader.js';
import { createUrlStore, type UrlStore, uploadStored } from './upload/url-store.js';

export type { TusClientApi } from './client-api.js';

/** What one call or uploader may override of the client's options. */
type ContextOverrides = {
  [K in 'checksum' | 'retryDelay' | 'timeout' | 'headers']?: ResolvedClientOptions[K] | undefined;
} & { endpoint?: string | undefined };

/** What one uploader of a call sets beside the call's input (the client's values by default). */
type UploaderExtra = {
  [K in
    | 'uploadUrl'
    | 'chunkSize'
    | 'maxRetries'
    | 'stopAt'
    | 'partial'
    | 'deferLength'
    | 'onCreated'
    | 'inputSha256']?: UploaderSettings[K] | undefined;
} & {
  metadata?: UploadFileOptions['metadata'];
  /** An input opened already (URL storage fingerprinted it); the uploader reads it. */
  source?: UploadSource | undefined;
  /** The client's context, or one with per-call overrides. */
  context?: UploaderContext | undefined;
};

export class BaseTusClient implements TusClientApi {
  /** The tus endpoint uploads are created at. */
  readonly url: string;
  readonly #options: ResolvedClientOptions;
  readonly #platform: Platform;
  readonly #transport: HttpTransport;
  readonly #protocol: UploadProtocol;
  readonly #requester: Requester;
  readonly #context: UploaderContext;
  /** The OPTIONS answer of each endpoint (the client's, `uploadFile({ endpoint })`'s), asked once. */
  readonly #serverInfo = new ServerInfoCache();
  /** URL storage, when `storeUrl` is on. */
  readonly #urlStore: UrlStore | undefined;

  constructor(url: string, options: TusClientOptions | undefined, platform: Platform) {
    this.url = checkEndpoint(url);
    this.#options = validateClientOptions(options, platform.checkNetworkOptions);
    this.#platform = platform;
    this.#transport = platform.createTransport(transportOptionsOf(this.#options));
    this.#protocol = protocolFor(this.#options.protocol, this.#transport, (signal) =>
      this.#serverInfo.get(this.#requester, this.url, signal),
    );
    this.#requester = new Requester(this.#transport, this.#options, this.#protocol, this.url);
    this.#context = {
      endpoint: this.url,
      requester: this.#requester,
      protocol: this.#protocol,
      checksum: platform.checksum,
      options: this.#options,
      chunkLimits: new ServerChunkLimits(),
      serverInfo: (signal) => this.#serverInfo.get(this.#requester, this.url, signal),
    };
    this.#urlStore = createUrlStore(this.#options, platform);
  }

  /** The options after defaults (read-only view). */
  get options(): Readonly<ResolvedClientOptions> {
    return this.#options;
  }

  async uploadFile(options: UploadFileOptions): Promise<string> {
    checkCallOptions('uploadFile', options, UPLOAD_FILE_KEYS);
    const stopAt = options.stopAt;
    if (stopAt !== undefined) checkStopAt(stopAt);
    const context = this.#callContext(options);
    const plan = checkParallelOptions(options);
    if (plan !== undefined) return this.#uploadParallel(options, plan, context);
    const onUploadUrlAvailable = checkFunction(
      'onUploadUrlAvailable',
      options.onUploadUrlAvailable,
    );
    if (this.#urlStore !== undefined) return this.#uploadStored(options, this.#urlStore, context);
    const uploader = this.#uploader(options, {
      metadata: options.metadata,
      stopAt,
      onCreated: onUploadUrlAvailable,
      context,
    });
    return runToEnd(uploader, () => uploader.upload());
  }

  async resumeUpload(options: ResumeUploadOptions): Promise<string> {
    checkCallOptions('resumeUpload', options, RESUME_UPLOAD_KEYS);
    const uploader = this.#uploader(options, {
      uploadUrl: checkUploadUrl(options.uploadUrl),
      context: this.#callContext(options),
    });
    return runToEnd(uploader, async () => {
      const url = await uploader.upload();
      if (uploader.isComplete && this.#urlStore?.removeOnSuccess === true) {
        await this.#urlStore.forgetUrl(url);
      }
      return url;
    });
  }

  async findPreviousUploads(options: InputOptions): Promise<PreviousUpload[]> {
    checkCallOptions('findPreviousUploads', options, INPUT_KEYS);
    const store = this.#urlStore;
    if (store === undefined) return [];
    const input = this.#checkedInput(options);
    const source = await this.#platform.openSource(input);
    try {
      const found = await store.find(await store.fingerprint(source, input));
      return found === undefined ? [] : [found];
    } finally {
      await source.close();
    }
  }

  /** `uploadFile` with `storeUrl`: one source, fingerprinted, then resumed or created. */
  async #uploadStored(
    options: UploadFileOptions,
    store: UrlStore,
    context: UploaderContext,
  ): Promise<string> {
    const input = this.#checkedInput(options);
    this.#metadataHeader(options.metadata);
    const source = await this.#platform.openSource(input, checkSignal(options.signal));
    try {
      return await uploadStored(store, source, input, {
        endpoint: context.endpoint,
        metadata: options.metadata ?? {},
        onUploadUrlAvailable: options.onUploadUrlAvailable,
        getUploadInfo: (url) => this.#uploadInfo(context.requester, url, options.signal),
        upload: async (settings) => {
          const uploader = this.#uploader(options, {
            uploadUrl: settings.uploadUrl,
            metadata: options.metadata,
            stopAt: options.stopAt,
            source: settings.source,
            onCreated: settings.onCreated,
            inputSha256: settings.inputSha256,
            context,
          });
          return runToEnd(uploader, async () => {
            const url = await uploader.upload();
            return { url, complete: uploader.isComplete };
          });
        },
      });
    } finally {
      await source.close();
    }
  }

  createUploader(options: CreateUploaderOptions): Uploader {
    checkCallOptions('createUploader', options, CREATE_UPLOADER_KEYS);
    return this.#uploader(options, {
      uploadUrl: options.uploadUrl === undefined ? undefined : checkUploadUrl(options.uploadUrl),
      metadata: options.metadata,
      chunkSize: checkChunkSize('chunkSize', options.chunkSize),
      maxRetries: checkCount('maxRetries', options.maxRetries) ?? DEFAULTS.uploaderMaxRetries,
      context: this.#contextWith({
        checksum: checkChecksum(options.checksum),
        retryDelay: checkDuration('retryDelay', options.retryDelay, true, false),
        timeout: checkDuration('timeout', options.timeout, false, true),
      }),
    });
  }

  async createPartialUpload(options: CreatePartialUploadOptions): Promise<string> {
    checkCallOptions('createPartialUpload', options, CREATE_PARTIAL_UPLOAD_KEYS);
    const uploader = this.#uploader(options, {
      metadata: options.metadata,
      partial: true,
    });
    return runToEnd(uploader, async () => {
      const signal = checkSignal(options.signal);
      await requireFeature(this.#context, 'concatenation', 'for createPartialUpload', signal);
      return uploader.upload();
    });
  }

  async createFinalUpload(
    urls: readonly string[],
    options: CreateFinalUploadOptions = {},
  ): Promise<string> {
    checkCallOptions('createFinalUpload', options, CREATE_FINAL_UPLOAD_KEYS);
    const checked = checkPartialUrls(urls);
    const metadataHeader = this.#metadataHeader(options.metadata);
    const signal = checkSignal(options.signal);
    await requireFeature(this.#context, 'concatenation', 'for createFinalUpload', signal);
    return createFinal(this.#context, checked, metadataHeader, signal);
  }

  async createDeferredUpload(options: CreateDeferredUploadOptions): Promise<string> {
    checkCallOptions('createDeferredUpload', options, CREATE_DEFERRED_UPLOAD_KEYS);
    const uploader = this.#uploader(options, {
      metadata: options.metadata,
      deferLength: 'always',
    });
    return runToEnd(uploader, () => uploader.upload());
  }

  async deleteUpload(url: string, options: RequestOptions = {}): Promise<void> {
    const checked = checkUploadUrl(url);
    const signal = checkSignal(options.signal);
    // `protocol: 'auto'`: the DELETE is the chosen protocol's (its version headers).
    if (this.#protocol.settle !== undefined) await this.#protocol.settle(signal);
    await this.#requester.sendExpecting('DELETE', checked, [204, 200], { signal });
  }

  getUploadInfo(url: string, options: RequestOptions = {}): Promise<UploadInfo> {
    return this.#uploadInfo(this.#requester, url, options.signal);
  }

  #uploadInfo(requester: Requester, url: string, signalOption: unknown): Promise<UploadInfo> {
    const encoding = this.#options.metadataEncoding;
    const signal = checkSignal(signalOption);
    return uploadInfoOf(requester, this.#protocol, checkUploadUrl(url), encoding, signal);
  }

  async getServerInfo(options: RequestOptions = {}): Promise<ServerInfo> {
    const info = await this.#context.serverInfo(checkSignal(options.signal));
    return {
      ...info,
      versions: [...info.versions],
      draftVersions: [...info.draftVersions],
      extensions: [...info.extensions],
      checksumAlgorithms: [...info.checksumAlgorithms],
    };
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }

  /**
   * The uploader context of one `uploadFile`/`resumeUpload` call: the client's, or one with
   * the call's `headers` over the client's and the call's `endpoint`.
   */
  #callContext(options: CallRequestOptions & { endpoint?: unknown }): UploaderContext {
    return this.#contextWith({
      endpoint:
        options.endpoint === undefined ? undefined : checkEndpoint(options.endpoint, 'endpoint'),
      headers:
        options.headers === undefined
          ? undefined
          : headersOver(this.#options.headers, checkHeaders(options.headers)),
    });
  }

  /**
   * The one route for per-call overrides: the client's context, or one with some options
   * (checked already) and the endpoint replaced, with a requester of its own.
   */
  #contextWith(overrides: ContextOverrides): UploaderContext {
    const { endpoint = this.url, ...rest } = overrides;
    const defined = Object.fromEntries(
      Object.entries(rest).filter(([, value]) => value !== undefined),
    );
    if (Object.keys(defined).length === 0 && endpoint === this.url) return this.#context;
    const options: ResolvedClientOptions = { ...this.#options, ...defined };
    const requester = new Requester(this.#transport, options, this.#protocol, endpoint);
    return {
      ...this.#context,
      endpoint,
      options,
      requester,
      serverInfo: (signal) => this.#serverInfo.get(requester, endpoint, signal),
    };
  }

  #uploader(
    options: InputOptions & {
      onProgress?: UploadFileOptions['onProgress'];
      signal?: AbortSignal | undefined;
    },
    extra: UploaderExtra,
  ): Uploader {
    const { metadata, source, context = this.#context, ...settings } = extra;
    const input = this.#checkedInput(options);
    const signal = checkSignal(options.signal);
    return new Uploader(context, {
      ...settings,
      openSource: () =>
        source === undefined ? this.#platform.openSource(input, signal) : Promise.resolve(source),
      metadataHeader: this.#metadataHeader(metadata),
      chunkSize: extra.chunkSize ?? this.#options.chunkSize,
      maxRetries: extra.maxRetries ?? this.#options.maxRetries,
      onProgress: checkFunction('onProgress', options.onProgress),
      signal,
    });
  }

  /** `uploadFile` with `parallelUploads`: partials at once, then the final upload. */
  #uploadParallel(
    options: UploadFileOptions,
    plan: ParallelPlan,
    context: UploaderContext,
  ): Promise<string> {
    const input = this.#checkedInput(options);
    const onUploadUrlAvailable = checkFunction(
      'onUploadUrlAvailable',
      options.onUploadUrlAvailable,
    );
    const store =
      this.#urlStore === undefined
        ? undefined
        : partialUrlStore(this.#urlStore, {
            endpoint: context.endpoint,
            input,
            metadata: options.metadata ?? {},
            getUploadInfo: (url) => this.#uploadInfo(context.requester, url, options.signal),
          });
    return uploadParallel(context, {
      openSource: () => this.#platform.openSource(input, checkSignal(options.signal)),
      store,
      onUploadUrlAvailable,
      parts: plan.parts,
      boundaries: plan.boundaries,
      metadataHeader: this.#metadataHeader(options.metadata),
      partialMetadataHeader: this.#metadataHeader(options.metadataForPartialUploads),
      chunkSize: this.#options.chunkSize,
      maxRetries: this.#options.maxRetries,
      onProgress: checkFunction('onProgress', options.onProgress),
      signal: checkSignal(options.signal),
    });
  }

  #checkedInput(options: InputOptions): InputOptions {
    return checkedInput(options, this.#platform.name === 'node');
  }

  #metadataHeader(metadata: unknown): string | undefined {
    return metadataHeaderOf(metadata, this.#options.metadataEncoding);
  }
}
