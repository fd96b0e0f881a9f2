/**
 * One file of a batch: a new upload (or the stored one, by fingerprint), a `resume` of a
 * known upload (a HEAD first: gone, complete, or from which byte), or standard input.
 * Progress goes to the reporter; the result says what happened, for the output.
 */

import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  redactUrl,
  type TusClient,
  TusCommunicationError,
  type UploadStats,
  type UrlStorage,
} from '../../index.node.js';
import type { ProgressReporter } from '../progress/progress.js';
import { errorLines } from '../report-error.js';
import { goneHint } from './hints.js';
import { isOk, type TransferJob, type TransferResult, type TransferStatus } from './job.js';
import type { BatchJournal, FileIdentity } from './journal.js';
import { forgetUrl, isStored } from './stored-uploads.js';

export interface TransferContext {
  client: TusClient;
  reporter: ProgressReporter;
  /** The URL store (`--no-store`: none). The CLI forgets an entry once its file is done. */
  storage: UrlStorage | undefined;
  journal: BatchJournal | undefined;
  stdin: Readable | undefined;
  verbose: boolean;
  /** Retries per chunk (standard input's uploader needs it said). */
  maxRetries: number;
  parallelUploads: number | undefined;
}

/** A failure of the input itself, before any request. */
class InputProblem extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

function uploadUrlOf(error: unknown): string | undefined {
  const url = (error as { uploadUrl?: unknown } | null)?.uploadUrl;
  return typeof url === 'string' ? url : undefined;
}

function isGone(error: unknown): boolean {
  return error instanceof TusCommunicationError && (error.status === 404 || error.status === 410);
}

/** What one attempt at a file tracks while it runs. */
class Attempt {
  url: string | undefined;
  stats: UploadStats | undefined;
  size: number | undefined;
  resumedFrom = 0;

  constructor(
    readonly job: TransferJob,
    readonly ctx: TransferContext,
  ) {
    this.url = job.uploadUrl;
    this.size = job.size;
  }

  result(status: TransferStatus, extra: Partial<TransferResult> = {}): TransferResult {
    const stats = this.stats;
    return {
      job: this.job,
      status,
      url: this.url,
      size: this.size,
      resumedFrom: stats?.startOffset ?? this.resumedFrom,
      bytesSent: stats === undefined ? 0 : stats.bytesUploaded - stats.startOffset,
      stats,
      stored: false,
      ...extra,
    };
  }

  async failed(error: unknown, signal: AbortSignal): Promise<TransferResult> {
    const { reporter, storage } = this.ctx;
    this.url = uploadUrlOf(error) ?? this.url;
    const interrupted = signal.aborted;
    if (!interrupted) {
      for (const line of errorLines(error, this.ctx.verbose)) {
        reporter.log(`${this.job.name}: ${line}`);
      }
    }
    const stored =
      storage !== undefined && this.url !== undefined && (await isStored(storage, this.url));
    return this.result(interrupted ? 'interrupted' : 'failed', { error, stored });
  }
}

export async function transferFile(
  job: TransferJob,
  ctx: TransferContext,
  signal: AbortSignal,
): Promise<TransferResult> {
  const attempt = new Attempt(job, ctx);
  if (job.problem !== undefined) {
    ctx.reporter.log(`error: ${job.problem.message}`);
    return attempt.result('failed', { error: job.problem });
  }
  if (job.path === undefined) return transferStdin(attempt, signal);
  let identity: FileIdentity;
  try {
    const info = await stat(job.path);
    if (!info.isFile()) throw new InputProblem(`${job.name}: not a regular file`, 'EINVAL');
    identity = { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
    attempt.size = info.size;
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const error =
      cause instanceof InputProblem
        ? cause
        : new InputProblem(
            `${job.name}: ${code === 'ENOENT' ? 'no such file' : (cause as Error).message}`,
            typeof code === 'string' ? code : 'ERR',
          );
    ctx.reporter.log(`error: ${error.message}`);
    return attempt.result('failed', { error });
  }
  const finished = ctx.journal?.finished(job.path, identity);
  if (finished !== undefined) {
    attempt.url = finished.url;
    ctx.reporter.skipped();
    return attempt.result('already-done');
  }
  const result = await transferPath(attempt, job.path, signal);
  if (isOk(result) && result.url !== undefined) {
    await ctx.journal?.record({ path: job.path, ...identity, url: result.url });
    if (ctx.storage !== undefined) await forgetUrl(ctx.storage, result.url);
  }
  return result;
}

async function transferPath(
  attempt: Attempt,
  path: string,
  signal: AbortSignal,
): Promise<TransferResult> {
  const { job, ctx } = attempt;
  const { client, reporter } = ctx;
  try {
    if (attempt.url !== undefined) {
      // `resume`: ask the server first, to say what will happen.
      let state: Awaited<ReturnType<TusClient['getUploadInfo']>>;
      try {
        state = await client.getUploadInfo(attempt.url, { signal });
      } catch (error) {
        if (isGone(error)) return gone(attempt, attempt.url, error, signal);
        throw error;
      }
      if (state.length !== undefined && state.length !== attempt.size) {
        throw new InputProblem(
          `the upload at ${redactUrl(attempt.url)} is ${state.length} bytes long, the file ${attempt.size}: not the same file`,
          'EINVAL',
        );
      }
      attempt.resumedFrom = state.offset;
      if (state.complete) {
        reporter.log(`${job.name}: already complete (${state.offset} bytes on the server)`);
        return attempt.result('already-done');
      }
      reporter.log(`${job.name}: resuming from byte ${state.offset}`);
    }
    const progress = reporter.start(job.name, attempt.size);
    let first = true;
    const viaStore = attempt.url === undefined;
    const onProgress = (stats: UploadStats) => {
      if (first && viaStore && stats.startOffset > 0) {
        // URL storage found an earlier upload of this file: uploadFile resumed it.
        reporter.log(`${job.name}: resuming from byte ${stats.startOffset}`);
      }
      first = false;
      attempt.stats = stats;
      if (stats.uploadUrl !== undefined) attempt.url = stats.uploadUrl;
      progress.update(stats);
    };
    try {
      const url =
        attempt.url !== undefined
          ? await client.resumeUpload({
              uploadUrl: attempt.url,
              filePath: path,
              onProgress,
              signal,
            })
          : await client.uploadFile({
              filePath: path,
              metadata: job.metadata,
              onProgress,
              onUploadUrlAvailable: (uploadUrl) => {
                attempt.url = uploadUrl;
              },
              signal,
              ...(ctx.parallelUploads === undefined
                ? {}
                : { parallelUploads: ctx.parallelUploads }),
            });
      attempt.url = url;
      const done = attempt.result('uploaded');
      const status: TransferStatus =
        done.resumedFrom > 0
          ? 'resumed'
          : done.bytesSent === 0 && (attempt.size ?? 0) > 0
            ? 'already-done'
            : 'uploaded';
      progress.finish({ url, bytesSent: done.bytesSent });
      return { ...done, status };
    } catch (error) {
      progress.finish(signal.aborted ? { interrupted: true } : { error: String(error) });
      throw error;
    }
  } catch (error) {
    return attempt.failed(error, signal);
  }
}

/** `resume` of an upload the server no longer has: forget it, say how to start afresh. */
async function gone(
  attempt: Attempt,
  url: string,
  error: unknown,
  signal: AbortSignal,
): Promise<TransferResult> {
  const { ctx, job } = attempt;
  if (ctx.storage !== undefined) await forgetUrl(ctx.storage, url);
  const result = await attempt.failed(error, signal);
  ctx.reporter.log(goneHint(job.name, ctx.client.url));
  return { ...result, gone: true };
}

async function transferStdin(attempt: Attempt, signal: AbortSignal): Promise<TransferResult> {
  const { job, ctx } = attempt;
  if (ctx.stdin === undefined) {
    const error = new InputProblem('-: standard input is not available', 'EINVAL');
    ctx.reporter.log(`error: ${error.message}`);
    return attempt.result('failed', { error });
  }
  const progress = ctx.reporter.start(job.name, job.size);
  const uploader = ctx.client.createUploader({
    input: ctx.stdin,
    uploadSize: job.size,
    metadata: job.metadata,
    maxRetries: ctx.maxRetries,
    onProgress: (stats) => {
      attempt.stats = stats;
      if (stats.uploadUrl !== undefined) attempt.url = stats.uploadUrl;
      progress.update(stats);
    },
    signal,
  });
  try {
    const url = await uploader.upload();
    attempt.url = url;
    attempt.size = attempt.stats?.totalBytes ?? attempt.size;
    const done = attempt.result('uploaded');
    progress.finish({ url, bytesSent: done.bytesSent });
    return done;
  } catch (error) {
    progress.finish(signal.aborted ? { interrupted: true } : { error: String(error) });
    return attempt.failed(error, signal);
  } finally {
    await uploader.close();
  }
}
