/**
 * The `Uploader`: creation (POST) or resume (HEAD), then the chunk loop (PATCH) with
 * checksums, retries, 409 resync, stats, hooks and abort.
 */
import type { ChecksumProvider } from '../checksum/checksum-provider.js';
import {
  TusCommunicationError,
  TusError,
  TusInputError,
  TusProtocolError,
} from '../errors/index.js';
import type { ResolvedClientOptions } from '../options.js';
import { buildChecksumHeader } from '../protocol/checksum.js';
import { OFFSET_OCTET_STREAM } from '../protocol/constants.js';
import { parseIntegerHeader } from '../protocol/integers.js';
import { displayUrl } from '../protocol/location.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { ChecksumAlgorithm, ServerInfo, UploadStats } from '../types.js';
import { ChunkPipeline } from './chunk-pipeline.js';
import { createUpload } from './create-upload.js';
import type { Requester } from './requester.js';
import { abortError, errorFromResponse, uploadFailed } from './response-errors.js';
import { isRetryable, retryAfterOf, retryDelayFor, sleep } from './retry-policy.js';
import { chooseChecksum, offersExtension, requireExtension } from './server-extensions.js';
import { StatsTracker } from './stats.js';

/** What an uploader borrows from its client. */
export interface UploaderContext {
  readonly endpoint: string;
  readonly requester: Requester;
  readonly checksum: ChecksumProvider;
  readonly options: ResolvedClientOptions;
  /** The server's OPTIONS answer, fetched once per client. */
  serverInfo(signal?: AbortSignal): Promise<ServerInfo>;
}

export interface UploaderSettings {
  openSource: () => Promise<UploadSource>;
  uploadUrl?: string | undefined;
  /** The encoded `Upload-Metadata` value, checked already. */
  metadataHeader?: string | undefined;
  /** Headers added to the creation POST (e.g. `Upload-Concat: partial`). */
  createHeaders?: Readonly<Record<string, string>> | undefined;
  /**
   * When the upload is created with `Upload-Defer-Length: 1` (creation-defer-length), its
   * length then sent on the PATCH that carries the last bytes: `'unknown'` when the input's
   * size is unknown (a stream without `uploadSize`), `'always'` for any input.
   * @default 'unknown'
   */
  deferLength?: 'unknown' | 'always' | undefined;
  /** Called once the server created the upload, before the first PATCH (URL storage). */
  onCreated?: ((uploadUrl: string) => Promise<void> | void) | undefined;
  chunkSize: number;
  maxRetries: number;
  stopAt?: number | undefined;
  onProgress?: ((stats: UploadStats) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export class Uploader {
  readonly #ctx: UploaderContext;
  readonly #settings: UploaderSettings;
  readonly #stats = new StatsTracker();
  #source: UploadSource | undefined;
  #ready: Promise<void> | undefined;
  #url: string | undefined;
  /** The input's size; `undefined` until a stream of unknown size ends. */
  #size: number | undefined;
  #target = 0;
  /** The server's length is deferred: the PATCH with the last bytes must carry it. */
  #declare = false;
  /** creation-with-upload: the POST carries the first chunk. */
  #withBody = false;
  /** The POST carried bytes: `uploadChunk` reports them as the first chunk. */
  #reportCreation = false;
  /** Whether `onProgress` was called at least once. */
  #reported = false;
  #offset = 0;
  #algorithm: ChecksumAlgorithm | undefined;
  /** Attempts made for the current position since it last moved. */
  #attempt = 0;
  /** Whether the 409 at this position already had its free resync. */
  #conflictResynced = false;
  #needsResync = false;
  /** End of the furthest byte range sent so far (to count resent bytes). */
  #sentEnd = 0;
  #started = false;
  /** The highest offset the server ever confirmed. */
  #highWater = 0;
  #pipeline: ChunkPipeline | undefined;

  constructor(ctx: UploaderContext, settings: UploaderSettings) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#url = settings.uploadUrl;
    this.#stats.uploadUrl = settings.uploadUrl;
  }

  /** The upload URL, once created (or the one given). */
  get url(): string | undefined {
    return this.#url;
  }

  /** Whether the server holds every byte of the input. */
  get isComplete(): boolean {
    return (
      this.#started && !this.#declare && this.#size !== undefined && this.#offset >= this.#size
    );
  }

  /** A snapshot of the upload's statistics. */
  get stats(): UploadStats {
    return this.#stats.snapshot();
  }

  /** Uploads everything that remains (up to `stopAt`); resolves with the upload URL. */
  async upload(): Promise<string> {
    while (await this.uploadChunk()) {
      // one chunk per turn
    }
    return this.#url!;
  }

  /** Uploads one chunk; resolves `true` while more remain (up to `stopAt`). */
  async uploadChunk(): Promise<boolean> {
    try {
      await this.#prepare();
      if (this.#reportCreation) {
        this.#reportCreation = false;
        this.#stats.chunksCompleted++;
        this.#report();
        return this.#remaining();
      }
      if (!this.#remaining()) {
        // Nothing to send (a resume found it complete): progress still ends where it is.
        if (!this.#reported) this.#report();
        return false;
      }
      await this.#chunkWithRetries();
      this.#stats.chunksCompleted++;
      this.#report();
      return this.#remaining();
    } catch (error) {
      throw this.#asAbort(error);
    }
  }

  #report(): void {
    this.#reported = true;
    this.#settings.onProgress?.(this.#stats.snapshot());
  }

  /** Releases the input (file handle, stream). Safe to call twice. */
  async close(): Promise<void> {
    const source = this.#source;
    this.#source = undefined;
    await source?.close();
  }

  #prepare(): Promise<void> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<void> {
    const { signal } = this.#settings;
    if (signal?.aborted) throw signal.reason;
    const source = await this.#settings.openSource();
    this.#source = source;
    this.#size = source.size;
    if (this.#url === undefined && this.#defers()) {
      await requireExtension(
        this.#ctx,
        'creation-defer-length',
        this.#size === undefined
          ? 'to upload a stream of unknown size (pass uploadSize if you know it)'
          : 'to create an upload of deferred length',
        this.#settings.signal,
      );
    }
    this.#setSize(this.#size);
    this.#algorithm = await chooseChecksum(this.#ctx, this.#settings.signal);
    this.#stats.checksumAlgorithm = this.#algorithm;
    this.#pipeline = new ChunkPipeline(source, this.#ctx.checksum, this.#algorithm);
    const creating = this.#url === undefined;
    this.#withBody =
      creating &&
      this.#ctx.options.uploadDataDuringCreation &&
      (await offersExtension(this.#ctx, 'creation-with-upload', this.#settings.signal));
    // With a body, the POST is the first chunk: the clock starts before it.
    if (this.#withBody) this.#stats.start(0);
    await this.#withRetries(() => (this.#url === undefined ? this.#create() : this.#resync()));
    if (creating) await this.#settings.onCreated?.(this.#url!);
    if (!this.#withBody) this.#stats.start(this.#offset);
    else if (this.#offset > 0) {
      this.#stats.record(this.#offset);
      this.#progressed();
      this.#reportCreation = true;
    }
    this.#sentEnd = this.#offset;
    this.#started = true;
  }

  /** Whether the upload is created with its length deferred. */
  #defers(): boolean {
    return this.#size === undefined || this.#settings.deferLength === 'always';
  }

  /** The input's size became known (or is still unknown): the target follows. */
  #setSize(size: number | undefined): void {
    this.#size = size;
    const end = size ?? Number.POSITIVE_INFINITY;
    const stopAt = this.#settings.stopAt;
    this.#target = stopAt === undefined ? end : Math.min(stopAt, end);
    this.#stats.totalBytes = size;
  }

  /** Whether a PATCH remains: bytes up to the target, or a deferred length to commit. */
  #remaining(): boolean {
    return this.#offset < this.#target || (this.#declare && this.#offset === this.#size);
  }

  /** POST: creates the upload and learns its URL (and, with a body, its first offset). */
  async #create(): Promise<void> {
    const first = this.#withBody && this.#target > 0 ? await this.#takeChunk(0) : undefined;
    const body = first !== undefined && first.data.byteLength > 0 ? first : undefined;
    // After the first read a short stream's size is known: it need not be deferred.
    const deferred = this.#defers();
    const created = await createUpload(this.#ctx.requester, this.#ctx.endpoint, {
      length: deferred ? undefined : this.#size,
      metadataHeader: this.#settings.metadataHeader,
      extraHeaders: this.#settings.createHeaders,
      body,
      algorithm: this.#algorithm,
      signal: this.#settings.signal,
    });
    this.#url = created.url;
    this.#stats.uploadUrl = created.url;
    this.#offset = created.offset;
    this.#declare = deferred;
  }

  /** HEAD: the server's offset becomes ours; its length must be the input's (or deferred). */
  async #resync(): Promise<void> {
    const url = this.#url!;
    const response = await this.#ctx.requester.send('HEAD', url, {
      signal: this.#settings.signal,
    });
    if (response.status !== 200 && response.status !== 204) {
      throw errorFromResponse('HEAD', url, response);
    }
    const details = { method: 'HEAD', url: displayUrl(url), status: response.status };
    const offset = parseIntegerHeader('Upload-Offset', response.headers['upload-offset'], details);
    const rawLength = response.headers['upload-length'];
    // No Upload-Length: the server's length is still deferred, the last PATCH commits it.
    this.#declare = rawLength === undefined;
    if (rawLength !== undefined) {
      const length = parseIntegerHeader('Upload-Length', rawLength, details);
      if (this.#size === undefined) {
        this.#setSize(length);
      } else if (length !== this.#size) {
        throw new TusInputError(
          `${displayUrl(url)} is an upload of ${length} bytes, but the input has ${this.#size}`,
        );
      }
    }
    if (this.#size !== undefined && offset > this.#size) {
      throw new TusProtocolError(
        `HEAD ${displayUrl(url)}: Upload-Offset ${offset} is past the length ${this.#size}`,
        details,
      );
    }
    this.#offset = offset;
    this.#progressed();
    if (this.#started) this.#stats.record(offset);
  }

  /** One PATCH of the bytes from our offset; the next chunk is prepared meanwhile. */
  async #patch(): Promise<void> {
    const url = this.#url!;
    const start = this.#offset;
    const chunk = await this.#takeChunk(start);
    const length = chunk.data.byteLength;
    const end = start + length;
    const headers: Record<string, string> = {
      'Upload-Offset': String(start),
      'Content-Type': OFFSET_OCTET_STREAM,
    };
    if (this.#algorithm !== undefined && chunk.digest !== undefined) {
      headers['Upload-Checksum'] = buildChecksumHeader(this.#algorithm, chunk.digest);
    }
    // creation-defer-length: the PATCH that carries the last bytes commits the length.
    const declaring = this.#declare && end === this.#size;
    if (declaring) headers['Upload-Length'] = String(end);
    if (start < this.#sentEnd) this.#stats.bytesResent += Math.min(end, this.#sentEnd) - start;
    if (end > this.#sentEnd) this.#sentEnd = end;
    const sending = this.#ctx.requester.send('PATCH', url, {
      headers,
      body: chunk.data,
      signal: this.#settings.signal,
    });
    this.#pipeline!.prefetch(end, Math.min(this.#settings.chunkSize, this.#target - end));
    const response = await sending;
    if (response.status !== 204 && response.status !== 200) {
      throw errorFromResponse('PATCH', url, response);
    }
    const details = { method: 'PATCH', url: displayUrl(url), status: response.status };
    const offset = parseIntegerHeader('Upload-Offset', response.headers['upload-offset'], details);
    const problem =
      offset < start
        ? `went backwards from ${start}`
        : this.#size !== undefined && offset > this.#size
          ? `is past the length ${this.#size}`
          : offset > end
            ? `is past the ${length} bytes sent from ${start}`
            : offset === start && length > 0
              ? `did not move: the server took none of the ${length} bytes`
              : undefined;
    if (problem !== undefined) {
      throw new TusProtocolError(
        `PATCH ${displayUrl(url)}: Upload-Offset ${offset} ${problem}`,
        details,
      );
    }
    if (declaring) this.#declare = false;
    this.#offset = offset;
    this.#progressed();
    this.#stats.record(offset);
  }

  /**
   * The next chunk from `start`. While the input's size is unknown, one byte more than
   * the chunk is read: a short read means the stream ended, and its size is known.
   */
  async #takeChunk(start: number): Promise<{ data: Uint8Array; digest: string | undefined }> {
    const want = Math.min(this.#settings.chunkSize, this.#target - start);
    if (this.#size !== undefined) return this.#pipeline!.take(start, want);
    const peek = await this.#source!.read(start, want + 1);
    if (peek.byteLength <= want) this.#setSize(start + peek.byteLength);
    const data = peek.subarray(0, Math.min(want, peek.byteLength));
    const algorithm = this.#algorithm;
    const digest =
      algorithm === undefined ? undefined : await this.#ctx.checksum.digest(algorithm, data);
    return { data, digest };
  }

  async #chunkWithRetries(): Promise<void> {
    await this.#withRetries(async () => {
      if (this.#needsResync) {
        await this.#resync();
        this.#needsResync = false;
        if (!this.#remaining()) return;
      }
      await this.#patch();
    });
  }

  /** Runs `step`, retrying what the policy allows; every retry is followed by a HEAD. */
  async #withRetries(step: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await step();
        return;
      } catch (error) {
        if (this.#settings.signal?.aborted || !isRetryable(error)) throw error;
        const conflict = error instanceof TusCommunicationError && error.status === 409;
        // The seed's 409 rule: one HEAD resync at a position even without retries left.
        const free = conflict && !this.#conflictResynced && this.#url !== undefined;
        if (!free && this.#attempt >= this.#settings.maxRetries) {
          throw uploadFailed(
            error,
            this.#settings.maxRetries === 0
              ? 'upload failed (retries are off)'
              : `upload failed after ${this.#attempt + 1} attempts`,
            this.#offset,
            this.#url,
          );
        }
        if (free) this.#conflictResynced = true;
        else this.#attempt++;
        this.#stats.retries++;
        const hook = this.#ctx.options.onShouldRetry;
        if (hook !== undefined && !(await hook(error, Math.max(1, this.#attempt)))) {
          throw uploadFailed(error, 'retry refused by onShouldRetry', this.#offset, this.#url);
        }
        const delay = conflict
          ? 0
          : retryDelayFor(this.#attempt, this.#ctx.options.retryDelay, retryAfterOf(error));
        await sleep(delay, this.#settings.signal);
        // The server may hold part of what was sent (or nothing new, after a 460): ask it.
        if (this.#url !== undefined && this.#started) this.#needsResync = true;
      }
    }
  }

  /** Resets the retry budget, but only for bytes the server never held before (no livelock). */
  #progressed(): void {
    if (this.#offset <= this.#highWater) return;
    this.#highWater = this.#offset;
    this.#attempt = 0;
    this.#conflictResynced = false;
  }

  #asAbort(error: unknown): unknown {
    const signal = this.#settings.signal;
    if (signal?.aborted !== true) return error;
    if (error instanceof TusError && error.code === 'TUS_ERR_ABORTED') return error;
    return abortError(signal.reason, this.#offset, this.#size || undefined, this.#url);
  }
}
