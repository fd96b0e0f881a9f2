import { sleep } from '../abort.js';
import {
  TusChecksumMismatchError,
  TusCommunicationError,
  TusError,
  TusNetworkError,
} from '../errors/index.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { ChecksumAlgorithm, UploadStats } from '../types.js';
import type { ChunkPipeline, PreparedChunk } from './chunk-pipeline.js';
import { ChunkPlanner } from './chunk-planner.js';
import type { ChunkSizer } from './chunk-sizing.js';
import { CreationLookahead } from './creation-lookahead.js';
import { checkAppendedOffset, checkServerState } from './offset-checks.js';
import { ProgressReporter } from './progress-reporter.js';
import type { AppendLimits } from './protocols/upload-protocol.js';
import { abortError, uploadFailed } from './response-errors.js';
import { RetryBudget } from './retry-budget.js';
import { isRetryable, retryAfterOf, retryDelayFor } from './retry-policy.js';
import { chooseChecksum, offersFeature, requireFeature } from './server-extensions.js';
import { StatsTracker } from './stats.js';

import type { UploaderContext, UploaderSettings } from './uploader-settings.js';

export type { UploaderContext, UploaderSettings } from './uploader-settings.js';

/** Consecutive 413 answers (each shrinking the chunk) before the upload gives up. */
const MAX_TOO_LARGE = 32;

export class Uploader {
  readonly #ctx: UploaderContext;
  readonly #settings: UploaderSettings;
  readonly #stats = new StatsTracker();
  readonly #progress: ProgressReporter;
  #source: UploadSource | undefined;
  #ready: Promise<void> | undefined;
  #url: string | undefined;
  /** The input's size; `undefined` until a stream of unknown size ends. */
  #size: number | undefined;
  #target = 0;
  /** The server's length is unknown: the append with the last bytes must say it. */
  #declare = false;
  /** creation-with-upload: the creation request carries the first chunk. */
  #withBody = false;
  /** The creation carried bytes: `uploadChunk` reports them as the first chunk. */
  #reportCreation = false;
  #offset = 0;
  #algorithm: ChecksumAlgorithm | undefined;
  readonly #budget: RetryBudget;
  #needsResync = false;
  /** 413 answers in a row. */
  #tooLarge = 0;
  /** Size of the body of the request sent last (0 for none: a failure then is not the chunk's). */
  #lastBodyBytes = 0;
  /** Of that body, the bytes the platform took so far, and when the request started. */
  #bodySent = 0;
  #bodyBegan = 0;
  /** A round trip measured before the sizer existed (the creation, overlapping OPTIONS). */
  #earlyRoundTrip: number | undefined;
  /** End of the furthest byte range sent so far (to count resent bytes). */
  #sentEnd = 0;
  #started = false;
  #planner: ChunkPlanner | undefined;
  /** Body sizes the server stated for this upload (the draft's `Upload-Limit`). */
  #limits: AppendLimits | undefined;
  /** Storing a URL the creation announced before its answer (the draft's 104). */
  #earlyStored: Promise<void> | undefined;

  constructor(ctx: UploaderContext, settings: UploaderSettings) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#url = settings.uploadUrl;
    this.#stats.uploadUrl = settings.uploadUrl;
    this.#progress = new ProgressReporter(this.#stats, settings.onProgress);
    this.#budget = new RetryBudget(settings.maxRetries);
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
        this.#progress.now();
        return this.#remaining();
      }
      if (!this.#remaining()) {
        // Nothing to send (a resume found it complete): progress still ends where it is.
        if (!this.#progress.reported) this.#progress.now();
        return false;
      }
      await this.#chunkWithRetries();
      this.#stats.chunksCompleted++;
      this.#progress.now();
      return this.#remaining();
    } catch (error) {
      throw this.#asAbort(error);
    }
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
    const creating = this.#url === undefined;
    if (creating && this.#defers()) {
      await requireFeature(
        this.#ctx,
        'deferred-length',
        this.#size === undefined
          ? 'to upload a stream of unknown size (pass uploadSize if you know it)'
          : 'to create an upload of deferred length',
        signal,
      );
    }
    this.#setSize(this.#size);
    this.#withBody =
      creating &&
      this.#ctx.options.uploadDataDuringCreation &&
      (await offersFeature(this.#ctx, 'creation-with-upload', signal));
    // With a body, the creation is the first chunk: the clock starts before it.
    if (this.#withBody) this.#stats.start(0);
    // Creation needs nothing of OPTIONS unless it carries bytes or an algorithm was asked
    // for (a refusal must come before any request): then both run at once.
    const overlap = creating && !this.#withBody && typeof this.#ctx.options.checksum === 'boolean';
    const locate = () =>
      this.#withRetries(() => (this.#url === undefined ? this.#create() : this.#resync()));
    const lookahead =
      creating && !this.#withBody && !this.#defers()
        ? CreationLookahead.start({
            ctx: this.#ctx,
            source,
            chunkSize: this.#settings.chunkSize,
            target: this.#target,
          })
        : undefined;
    try {
      const [algorithm] = overlap
        ? await Promise.all([this.#chooseChecksum(), locate()])
        : [await this.#chooseChecksum()];
      this.#useChecksum(source, algorithm, lookahead?.claim(algorithm));
      if (!overlap) await locate();
    } catch (error) {
      lookahead?.cancel();
      throw error;
    }
    if (this.#earlyStored !== undefined) await this.#earlyStored;
    else if (creating) await this.#settings.onCreated?.(this.#url!);
    if (!this.#withBody) this.#stats.start(this.#offset);
    else if (this.#offset > 0) {
      this.#stats.record(this.#offset);
      this.#progressed();
      this.#reportCreation = true;
    }
    this.#sentEnd = this.#offset;
    this.#started = true;
  }

  /** The algorithm for this upload (none: `undefined`), its incremental form made ready. */
  async #chooseChecksum(): Promise<ChecksumAlgorithm | undefined> {
    const algorithm = await chooseChecksum(this.#ctx, this.#settings.signal);
    if (algorithm !== undefined) await this.#ctx.checksum.prepare?.(algorithm);
    return algorithm;
  }

  #useChecksum(
    source: UploadSource,
    algorithm: ChecksumAlgorithm | undefined,
    pipeline?: ChunkPipeline,
  ): void {
    this.#algorithm = algorithm;
    this.#stats.checksumAlgorithm = algorithm;
    const planner = new ChunkPlanner({
      source,
      checksum: this.#ctx.checksum,
      algorithm,
      chunkSize: this.#settings.chunkSize,
      maxChunkSize: this.#ctx.options.maxChunkSize,
      server: {
        key: new URL(this.#url ?? this.#ctx.endpoint).origin,
        limits: this.#ctx.chunkLimits,
      },
      limits: () => this.#limits,
      pipeline,
    });
    this.#planner = planner;
    if (this.#earlyRoundTrip !== undefined) planner.sizer.roundTrip(this.#earlyRoundTrip);
    this.#stats.chunkSize = planner.sizer.next(this.#target - this.#offset);
  }

  /** The sizing policy (once the checksum, so the pipeline, is known). */
  get #sizer(): ChunkSizer | undefined {
    return this.#planner?.sizer;
  }

  /** Whether the upload is created with its length unknown to the server. */
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

  /** Whether an append remains: bytes up to the target, or an unknown length to commit. */
  #remaining(): boolean {
    return this.#offset < this.#target || (this.#declare && this.#offset === this.#size);
  }

  /** Creates the upload and learns its URL (and, with a body, its first offset). */
  async #create(): Promise<void> {
    const first = this.#withBody && this.#target > 0 ? await this.#takeChunk(0) : undefined;
    const body = first !== undefined && first.length > 0 ? first : undefined;
    // After the first read a short stream's size is known: it need not be deferred.
    const deferred = this.#defers();
    this.#lastBodyBytes = body?.length ?? 0;
    this.#bodySent = 0;
    const began = performance.now();
    this.#bodyBegan = began;
    const created = await this.#ctx.protocol.create(this.#ctx.requester, {
      endpoint: this.#ctx.endpoint,
      length: deferred ? undefined : this.#size,
      metadataHeader: this.#settings.metadataHeader,
      partial: this.#settings.partial,
      body,
      algorithm: this.#algorithm,
      signal: this.#settings.signal,
      onUploadProgress:
        body === undefined
          ? undefined
          : (sent) => {
              this.#bodySent = sent;
              this.#progress.sending(sent);
            },
      onLocation: (url) => this.#located(url),
      inputSha256: this.#settings.inputSha256,
    });
    const ms = performance.now() - began - (created.connectMs ?? 0);
    if (body !== undefined) this.#sizer?.chunkDone(created.offset, ms);
    else if (this.#sizer !== undefined) this.#sizer.roundTrip(ms);
    else this.#earlyRoundTrip = ms;
    this.#url = created.url;
    this.#stats.uploadUrl = created.url;
    this.#offset = created.offset;
    // A protocol that marks completion explicitly awaits it like a length to declare.
    this.#declare = deferred || created.complete === false;
    this.#limits = created.limits ?? this.#limits;
  }

  /**
   * The creation announced its URL before its answer: it is the upload's from now on (a
   * creation cut after this resumes by offset retrieval) and is stored at once.
   */
  #located(url: string): void {
    if (this.#url !== undefined) return;
    this.#url = url;
    this.#stats.uploadUrl = url;
    const stored = Promise.resolve().then(() => this.#settings.onCreated?.(url));
    stored.catch(() => {});
    this.#earlyStored = stored;
  }

  /** Offset retrieval: the server's offset becomes ours; its length must be the input's. */
  async #resync(): Promise<void> {
    const url = this.#url!;
    this.#lastBodyBytes = 0;
    const began = performance.now();
    const state = await this.#ctx.protocol.offset(this.#ctx.requester, url, this.#settings.signal);
    const ms = performance.now() - began - (state.connectMs ?? 0);
    if (this.#sizer !== undefined) this.#sizer.roundTrip(ms);
    else this.#earlyRoundTrip = ms;
    checkServerState({ ...state, url, size: this.#size });
    // No length: the server's is still unknown, the last append commits it (as it does an
    // explicit completion the server still awaits).
    this.#declare = state.length === undefined || state.complete === false;
    this.#limits = state.limits ?? this.#limits;
    if (state.length !== undefined && this.#size === undefined) this.#setSize(state.length);
    this.#offset = state.offset;
    this.#progressed();
    if (this.#started) this.#stats.record(state.offset);
  }

  /** One append of the bytes from our offset; the next chunk is prepared meanwhile. */
  async #patch(): Promise<void> {
    const url = this.#url!;
    const start = this.#offset;
    const chunk = await this.#takeChunk(start);
    const { length } = chunk;
    const end = start + length;
    // The append that carries the last bytes commits a length the server does not know.
    const declareLength = this.#declare && end === this.#size ? end : undefined;
    if (start < this.#sentEnd) this.#stats.bytesResent += Math.min(end, this.#sentEnd) - start;
    if (end > this.#sentEnd) this.#sentEnd = end;
    this.#lastBodyBytes = length;
    this.#bodySent = 0;
    const began = performance.now();
    this.#bodyBegan = began;
    const sending = this.#ctx.protocol.append(this.#ctx.requester, {
      url,
      offset: start,
      chunk,
      algorithm: this.#algorithm,
      declareLength,
      signal: this.#settings.signal,
      onUploadProgress: (sent) => {
        this.#bodySent = sent;
        this.#progress.sending(start + sent);
      },
    });
    this.#prefetchAfter(end, length);
    const { offset, status, connectMs } = await sending;
    checkAppendedOffset({ url, start, length, offset, status, size: this.#size });
    this.#sizer!.chunkDone(length, performance.now() - began - (connectMs ?? 0));
    this.#tooLarge = 0;
    if (declareLength !== undefined) this.#declare = false;
    this.#offset = offset;
    this.#progressed();
    this.#stats.record(offset);
    this.#stats.chunkSize = this.#sizer!.next(this.#target - offset);
  }

  /** Prepares the chunk after `end` while this one is sent (chunk-planner.ts). */
  #prefetchAfter(end: number, length: number): void {
    if (this.#size === undefined || end >= this.#target) return;
    this.#planner!.prepareAfter(end, length, this.#target - end);
  }

  /**
   * The next chunk from `start`. While the input's size is unknown, one byte more than
   * the chunk is read: a short read means the stream ended, and its size is known.
   */
  async #takeChunk(start: number): Promise<PreparedChunk> {
    const want = this.#planner!.sizeAt(start, this.#target - start);
    this.#stats.chunkSize = want;
    if (this.#size !== undefined) return this.#planner!.pipeline.take(start, want);
    const peek = await this.#source!.read(start, want + 1);
    if (peek.byteLength <= want) this.#setSize(start + peek.byteLength);
    const data = peek.subarray(0, Math.min(want, peek.byteLength));
    const algorithm = this.#algorithm;
    const digest =
      algorithm === undefined ? undefined : await this.#ctx.checksum.digest(algorithm, data);
    return { start, length: data.byteLength, body: data, digest };
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

  /** Runs `step`, retrying what the policy allows; every retry is followed by a resync. */
  async #withRetries(step: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await step();
        return;
      } catch (error) {
        if (this.#settings.signal?.aborted) throw error;
        // What was sent but not confirmed does not count any more.
        this.#progress.rewind(this.#offset);
        if (this.#shrinkAfterTooLarge(error)) continue;
        if (!isRetryable(error)) throw error;
        await this.#beforeRetry(error);
      }
    }
  }

  /** A 413 with an adaptive size: a smaller chunk, at once and without using a retry. */
  #shrinkAfterTooLarge(error: unknown): boolean {
    if (!(error instanceof TusCommunicationError) || error.status !== 413) return false;
    const sizer = this.#sizer;
    if (sizer === undefined || this.#tooLarge >= MAX_TOO_LARGE) return false;
    if (!sizer.tooLarge(this.#lastBodyBytes)) return false;
    this.#tooLarge++;
    this.#planner?.pipeline.discard();
    if (this.#url !== undefined && this.#started) this.#needsResync = true;
    return true;
  }

  async #beforeRetry(error: TusError): Promise<void> {
    const lostConnection = error instanceof TusNetworkError;
    const drop = lostConnection && this.#lastBodyBytes > 0;
    const { conflict, attempt, waitFor } = this.#budget.take(error, {
      offset: this.#offset,
      uploadUrl: this.#url,
      located: this.#url !== undefined,
      drop,
      lost: lostConnection && !drop,
    });
    if (!conflict && this.#lastBodyBytes > 0) this.#observeFailure(error, drop);
    this.#stats.retries++;
    const hook = this.#ctx.options.onShouldRetry;
    if (hook !== undefined && !(await hook(error, attempt))) {
      throw uploadFailed(error, 'retry refused by onShouldRetry', this.#offset, this.#url);
    }
    // The first retry after a drop that followed progress goes at once (retry-budget.ts).
    const delay =
      conflict || waitFor === 0
        ? 0
        : retryDelayFor(waitFor, this.#ctx.options.retryDelay, retryAfterOf(error));
    this.#stats.retry = {
      attempt,
      maxRetries: this.#budget.maxRetries,
      delayMs: delay,
      at: Date.now() + delay,
      error,
    };
    // Before a resume's first offset retrieval the offset is unknown: no report yet.
    if (this.#started || this.#settings.uploadUrl === undefined) this.#progress.now();
    try {
      await sleep(delay, this.#settings.signal);
    } finally {
      this.#stats.retry = undefined;
    }
    // The server may hold part of what was sent (or nothing new, after a 460): ask it.
    if (this.#url !== undefined && this.#started) this.#needsResync = true;
  }

  /** Tells the sizing policy how the chunk on the wire failed. */
  #observeFailure(error: TusError, drop: boolean): void {
    const sizer = this.#sizer;
    if (sizer === undefined) return;
    if (drop) {
      const ms = performance.now() - this.#bodyBegan;
      sizer.observe({ kind: 'dropped', sent: this.#bodySent, ms });
    } else if (error instanceof TusChecksumMismatchError) {
      sizer.observe({ kind: 'refused' }); // a corruption (460), not the link's size
    } else sizer.chunkFailed();
  }

  /** Resets the retry budget, but only for bytes the server never held before (no livelock). */
  #progressed(): void {
    this.#budget.progressed(this.#offset);
  }

  #asAbort(error: unknown): unknown {
    const signal = this.#settings.signal;
    if (signal?.aborted !== true) return error;
    if (error instanceof TusError && error.code === 'TUS_ERR_ABORTED') return error;
    return abortError(signal.reason, this.#offset, this.#size || undefined, this.#url);
  }
}
