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
  checkSignal,
  checkStopAt,
  checkUploadUrl,
  INPUT_KEYS,
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
  show,
  type TusClientOptions,
  validateClientOptions,
} from './options.js';
import type { Platform } from './platform.js';
import { encodeMetadata } from './protocol/metadata.js';
import { checkInputOptions } from './sources/open-input.js';
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
import { requireFeature } from './upload/server-extensions.js';
import { headersOver, ServerInfoCache, uploadInfoOf } from './upload/server-requests.js';
import { Uploader, type UploaderContext, type UploaderSettings } from './upload/uploader.js';
import { createUrlStore, type UrlStore, uploadStored } from './upload/url-store.js';

export type { TusClientApi } from './client-api.js';

export class BaseTusClient implements TusClientApi {
  /** The tus endpoint uploads are created at. */
  readonly url: string;
  readonly #options: ResolvedClientOptions;
  readonly #platform: Platform;
  readonly #transport: HttpTransport;
  readonly #protocol: UploadProtocol;
  readonly #requester: Requester;
  readonly #context: UploaderContext;
  /** OPTIONS answers by endpoint (the client's, and those of `uploadFile({ endpoint })`). */
  /** The OPTIONS answer of each endpoint, asked once. */
  readonly #serverInfo = new ServerInfoCache();
  /** URL storage, when `storeUrl` is on. */
  readonly #urlStore: UrlStore | undefined;

  constructor(url: string, options: TusClientOptions | undefined, platform: Platform) {
    this.url = checkEndpoint(url);
    this.#options = validateClientOptions(options, platform.checkNetworkOptions);
    this.#platform = platform;
    const o = this.#options;
    this.#transport = platform.createTransport({
      verifyTlsCert: o.verifyTlsCert,
      maxBytesPerSecond: o.maxBytesPerSecond,
      ...(o.proxy === undefined ? {} : { proxy: o.proxy, proxyConnectTimeout: o.timeout }),
      ...(o.agents === undefined ? {} : { agents: o.agents }),
      ...(o.ca === undefined && o.cert === undefined
        ? {}
        : { tls: { ca: o.ca, cert: o.cert, key: o.key } }),
    });
    this.#protocol = protocolFor(this.#options.protocol, this.#transport);
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
      maxRetries: this.#options.maxRetries,
      stopAt,
      onCreated: onUploadUrlAvailable,
      context,
    });
    try {
      return await uploader.upload();
    } finally {
      await uploader.close();
    }
  }

  async resumeUpload(options: ResumeUploadOptions): Promise<string> {
    checkCallOptions('resumeUpload', options, RESUME_UPLOAD_KEYS);
    const uploader = this.#uploader(options, {
      uploadUrl: checkUploadUrl(options.uploadUrl),
      maxRetries: this.#options.maxRetries,
      context: this.#callContext(options),
    });
    try {
      const url = await uploader.upload();
      if (uploader.isComplete && this.#urlStore?.removeOnSuccess === true) {
        await this.#urlStore.forgetUrl(url);
      }
      return url;
    } finally {
      await uploader.close();
    }
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
            maxRetries: this.#options.maxRetries,
            stopAt: options.stopAt,
            source: settings.source,
            onCreated: settings.onCreated,
            inputSha256: settings.inputSha256,
            context,
          });
          try {
            const url = await uploader.upload();
            return { url, complete: uploader.isComplete };
          } finally {
            await uploader.close();
          }
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
        checksum: options.checksum === undefined ? undefined : checkChecksum(options.checksum),
        retryDelay: checkDuration('retryDelay', options.retryDelay, true, false),
        timeout: checkDuration('timeout', options.timeout, false, true),
      }),
    });
  }

  /** The uploader context with some of the client's options overridden for one uploader. */
  #contextWith(
    overrides: {
      [K in 'checksum' | 'retryDelay' | 'timeout']?: ResolvedClientOptions[K] | undefined;
    },
  ): UploaderContext {
    const defined = Object.fromEntries(
      Object.entries(overrides).filter(([, value]) => value !== undefined),
    );
    if (Object.keys(defined).length === 0) return this.#context;
    const options: ResolvedClientOptions = { ...this.#options, ...defined };
    return {
      ...this.#context,
      options,
      requester: new Requester(this.#transport, options, this.#protocol, this.url),
    };
  }

  async createPartialUpload(options: CreatePartialUploadOptions): Promise<string> {
    checkCallOptions('createPartialUpload', options, CREATE_PARTIAL_UPLOAD_KEYS);
    const uploader = this.#uploader(options, {
      metadata: options.metadata,
      maxRetries: this.#options.maxRetries,
      createHeaders: { 'Upload-Concat': 'partial' },
    });
    try {
      await requireFeature(
        this.#context,
        'concatenation',
        'for createPartialUpload',
        checkSignal(options.signal),
      );
      return await uploader.upload();
    } finally {
      await uploader.close();
    }
  }

  async createFinalUpload(
    urls: readonly string[],
    options: CreateFinalUploadOptions = {},
  ): Promise<string> {
    checkCallOptions('createFinalUpload', options, CREATE_FINAL_UPLOAD_KEYS);
    if (!Array.isArray(urls) || urls.length === 0) {
      throw new TypeError(
        `urls must be a non-empty array of partial upload URLs, got ${show(urls)}`,
      );
    }
    const checked = urls.map((url: unknown) => checkUploadUrl(url));
    const metadataHeader = this.#metadataHeader(options.metadata);
    const signal = checkSignal(options.signal);
    await requireFeature(this.#context, 'concatenation', 'for createFinalUpload', signal);
    return createFinal(this.#context, checked, metadataHeader, signal);
  }

  async createDeferredUpload(options: CreateDeferredUploadOptions): Promise<string> {
    checkCallOptions('createDeferredUpload', options, CREATE_DEFERRED_UPLOAD_KEYS);
    const uploader = this.#uploader(options, {
      metadata: options.metadata,
      maxRetries: this.#options.maxRetries,
      deferLength: 'always',
    });
    try {
      return await uploader.upload();
    } finally {
      await uploader.close();
    }
  }

  async deleteUpload(url: string, options: RequestOptions = {}): Promise<void> {
    await this.#requester.sendExpecting('DELETE', checkUploadUrl(url), [204, 200], {
      signal: checkSignal(options.signal),
    });
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
    const endpoint =
      options.endpoint === undefined ? this.url : checkEndpoint(options.endpoint, 'endpoint');
    if (options.headers === undefined && endpoint === this.url) return this.#context;
    const resolved: ResolvedClientOptions = {
      ...this.#options,
      headers: headersOver(this.#options.headers, checkHeaders(options.headers)),
    };
    const requester = new Requester(this.#transport, resolved, this.#protocol, endpoint);
    return {
      ...this.#context,
      endpoint,
      options: resolved,
      requester,
      serverInfo: (signal) => this.#serverInfo.get(requester, endpoint, signal),
    };
  }

  #uploader(
    options: InputOptions & {
      onProgress?: UploadFileOptions['onProgress'];
      signal?: AbortSignal | undefined;
    },
    extra: {
      uploadUrl?: string | undefined;
      metadata?: UploadFileOptions['metadata'];
      chunkSize?: number | 'auto' | undefined;
      maxRetries: number;
      stopAt?: number | undefined;
      createHeaders?: UploaderSettings['createHeaders'];
      deferLength?: UploaderSettings['deferLength'];
      /** An input opened already (URL storage fingerprinted it); the uploader reads it. */
      source?: UploadSource | undefined;
      onCreated?: UploaderSettings['onCreated'];
      inputSha256?: string | undefined;
      /** The client's context, or one with per-uploader overrides. */
      context?: UploaderContext | undefined;
    },
  ): Uploader {
    const input = this.#checkedInput(options);
    const metadataHeader = this.#metadataHeader(extra.metadata);
    return new Uploader(extra.context ?? this.#context, {
      openSource: () =>
        extra.source === undefined
          ? this.#platform.openSource(input, checkSignal(options.signal))
          : Promise.resolve(extra.source),
      onCreated: extra.onCreated,
      inputSha256: extra.inputSha256,
      uploadUrl: extra.uploadUrl,
      metadataHeader,
      createHeaders: extra.createHeaders,
      deferLength: extra.deferLength,
      chunkSize: extra.chunkSize ?? this.#options.chunkSize,
      maxRetries: extra.maxRetries,
      stopAt: extra.stopAt,
      onProgress: checkFunction('onProgress', options.onProgress),
      signal: checkSignal(options.signal),
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
    const input: InputOptions = {
      filePath: options.filePath,
      input: options.input,
      uploadSize: options.uploadSize,
    };
    checkInputOptions(input, this.#platform.name === 'node');
    return input;
  }

  /** The encoded `Upload-Metadata` of `metadata` (checked: an object of strings). */
  #metadataHeader(metadata: unknown = {}): string | undefined {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new TypeError(`metadata must be an object of strings, got ${show(metadata)}`);
    }
    return encodeMetadata(metadata as Record<string, string>, this.#options.metadataEncoding);
  }
}
