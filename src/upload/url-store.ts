/**
 * `UrlStore`: what `TusClient` does with URL storage when `storeUrl` is on — fingerprint
 * the input, look up an earlier upload, remember a new one, forget a finished one.
 */
import { TusCommunicationError, TusInputError } from '../errors/index.js';
import type {
  Fingerprinter,
  FingerprintHashAlgorithm,
  IncrementalHash,
} from '../fingerprint/fingerprinter.js';
import type { ResolvedClientOptions } from '../options.js';
import type { Platform } from '../platform.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { StoredUpload, UrlStorage } from '../storage/url-storage.js';
import type { InputOptions, UploadInfo, UploadMetadata } from '../types.js';

export interface UrlStoreSettings {
  storage: UrlStorage;
  fingerprinter: Fingerprinter;
  /** The platform's incremental hashes (none: only custom fingerprinters work). */
  createHash: ((algorithm: FingerprintHashAlgorithm) => IncrementalHash | undefined) | undefined;
  removeOnSuccess: boolean;
}

export class UrlStore {
  readonly #settings: UrlStoreSettings;

  constructor(settings: UrlStoreSettings) {
    this.#settings = settings;
  }

  get removeOnSuccess(): boolean {
    return this.#settings.removeOnSuccess;
  }

  /** The fingerprint of `source`; a `TusInputError` when the fingerprinter has none. */
  async fingerprint(source: UploadSource, input: InputOptions): Promise<string> {
    const { fingerprinter, createHash } = this.#settings;
    const fingerprint = await fingerprinter.getFingerprint(source, {
      createHash: (algorithm) => createHash?.(algorithm),
      filePath: input.filePath,
      input: input.input,
    });
    if (fingerprint === undefined) {
      throw new TusInputError(
        source.seekable
          ? 'storeUrl is on but the fingerprinter gave no fingerprint for this input: give a fingerprinter that does, or turn storeUrl off'
          : 'storeUrl is on but a stream input has no fingerprint (reading it to hash it would consume it): pass a fingerprinter that names it, e.g. new CallableFingerprint(() => "my-stream-id"), or turn storeUrl off',
      );
    }
    if (typeof fingerprint !== 'string' || fingerprint === '') {
      throw new TypeError(
        `the fingerprinter must resolve a non-empty string or undefined, got ${typeof fingerprint}`,
      );
    }
    return fingerprint;
  }

  /** The stored upload for `fingerprint`, if any. */
  async find(fingerprint: string): Promise<StoredUpload | undefined> {
    const entry = await this.#settings.storage.get(fingerprint);
    return entry === undefined ? undefined : { fingerprint, ...entry };
  }

  /**
   * Records a new upload under `fingerprint`, with the `endpoint` it was created at (the
   * origin its credentials belong to, when the upload URL is on another one).
   */
  async remember(
    fingerprint: string,
    uploadUrl: string,
    size: number | undefined,
    metadata: UploadMetadata,
    endpoint: string,
  ): Promise<void> {
    await this.#settings.storage.set(fingerprint, {
      uploadUrl,
      size,
      createdAt: new Date().toISOString(),
      metadata: { ...metadata },
      endpoint,
    });
  }

  async forget(fingerprint: string): Promise<void> {
    await this.#settings.storage.remove(fingerprint);
  }

  /** Removes every entry that points at `uploadUrl` (after `resumeUpload` finished it). */
  async forgetUrl(uploadUrl: string): Promise<void> {
    const { storage } = this.#settings;
    for (const entry of await storage.list()) {
      if (entry.uploadUrl === uploadUrl) await storage.remove(entry.fingerprint);
    }
  }
}

/** `source` with a `close()` that does nothing: the caller closes it, after every attempt. */
export function borrowedSource(source: UploadSource): UploadSource {
  const borrowed: UploadSource = {
    get size() {
      return source.size;
    },
    seekable: source.seekable,
    name: source.name,
    modifiedAt: source.modifiedAt,
    read: (offset, length) => source.read(offset, length),
    close: async () => {},
  };
  if (source.readInto !== undefined) {
    borrowed.readInto = (offset, target) => source.readInto!(offset, target);
  }
  if (source.slice !== undefined) {
    borrowed.slice = (offset, length) => source.slice!(offset, length);
  }
  return borrowed;
}

/** What `uploadStored` needs from the client. */
export interface StoredUploadDeps {
  /** The endpoint the upload is created at (kept with the stored entry). */
  endpoint: string;
  metadata: UploadMetadata;
  onUploadUrlAvailable: ((uploadUrl: string) => void | Promise<void>) | undefined;
  /** HEAD of an upload (the client's `getUploadInfo`). */
  getUploadInfo(uploadUrl: string): Promise<UploadInfo>;
  /** Runs an uploader over `source` (resuming `uploadUrl`, or creating one). */
  upload(settings: {
    source: UploadSource;
    uploadUrl?: string | undefined;
    onCreated?: ((uploadUrl: string) => Promise<void>) | undefined;
    /** SHA-256 (hex) of the whole input, when the fingerprint computed it anyway. */
    inputSha256?: string | undefined;
  }): Promise<{ url: string; complete: boolean }>;
}

/**
 * `uploadFile` with `storeUrl`: resumes the stored upload of the same fingerprint when the
 * server still has it with the same length; else (404/410, other length) forgets it and
 * creates a new upload, stored as soon as the server returns its URL.
 */
export async function uploadStored(
  store: UrlStore,
  source: UploadSource,
  input: InputOptions,
  deps: StoredUploadDeps,
): Promise<string> {
  const fingerprint = await store.fingerprint(source, input);
  const finish = async (result: { url: string; complete: boolean }) => {
    if (result.complete && store.removeOnSuccess) await store.forget(fingerprint);
    return result.url;
  };
  const previous = await store.find(fingerprint);
  if (previous !== undefined) {
    await refuseChangedSince(store, previous, source);
    const info = await serverStateOf(previous.uploadUrl, deps);
    // A server that does not say the length (the draft's interop 5 never does) is taken at
    // the stored size, as long as what it holds fits in it.
    const length =
      info?.length ??
      (info !== undefined && previous.size !== undefined && info.offset <= previous.size
        ? previous.size
        : undefined);
    if (info === undefined || length === undefined || length !== source.size) {
      // Gone from the server, or not an upload of this input: start afresh.
      await store.forget(fingerprint);
    } else {
      await deps.onUploadUrlAvailable?.(previous.uploadUrl);
      if (info.complete) return finish({ url: previous.uploadUrl, complete: true });
      return finish(
        await deps.upload({ source: borrowedSource(source), uploadUrl: previous.uploadUrl }),
      );
    }
  }
  return finish(
    await deps.upload({
      source: borrowedSource(source),
      inputSha256: /^size:\d+--sha256:([0-9a-f]{64})$/.exec(fingerprint)?.[1],
      onCreated: async (uploadUrl) => {
        await store.remember(fingerprint, uploadUrl, source.size, deps.metadata, deps.endpoint);
        await deps.onUploadUrlAvailable?.(uploadUrl);
      },
    }),
  );
}

/**
 * A file modified after its stored upload was created may differ from the bytes the
 * server holds (a fingerprint need not cover the whole content): a `TusInputError`, before
 * any byte is sent, and the entry is forgotten so that the next upload starts anew.
 */
async function refuseChangedSince(
  store: UrlStore,
  previous: StoredUpload,
  source: UploadSource,
): Promise<void> {
  const modified = source.modifiedAt;
  const created = Date.parse(previous.createdAt);
  if (modified === undefined || !Number.isFinite(created) || modified <= created) return;
  await store.forget(previous.fingerprint);
  throw new TusInputError(
    `the file changed after its stored upload began (modified ${new Date(modified).toISOString()}, upload created ${previous.createdAt}), so the server's bytes may be of the older version: it is not resumed, and its stored URL is forgotten (upload again to start anew)`,
  );
}

/** The server's view of a stored upload; `undefined` when it answers 404 or 410. */
export async function serverStateOf(
  uploadUrl: string,
  deps: Pick<StoredUploadDeps, 'getUploadInfo'>,
): Promise<UploadInfo | undefined> {
  try {
    return await deps.getUploadInfo(uploadUrl);
  } catch (error) {
    if (error instanceof TusCommunicationError && (error.status === 404 || error.status === 410)) {
      return undefined;
    }
    throw error;
  }
}

/** The client's `UrlStore` when `storeUrl` is on: its storage, or the platform's default. */
export function createUrlStore(
  options: ResolvedClientOptions,
  platform: Platform,
): UrlStore | undefined {
  if (!options.storeUrl) return undefined;
  const storage = options.urlStorage ?? platform.defaultUrlStorage?.();
  if (storage === undefined) {
    throw new TypeError(
      `storeUrl needs a urlStorage: this platform (${platform.name}) has no default one`,
    );
  }
  return new UrlStore({
    storage,
    fingerprinter: options.fingerprinter,
    createHash: platform.fingerprintHash,
    removeOnSuccess: options.removeFingerprintOnSuccess,
  });
}
