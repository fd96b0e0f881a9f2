/**
 * Uploads and resumes files with bounded concurrency, reporting progress and one result
 * per finished file. Shared by `upload` and `resume`.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { TusClient, UploadMetadata, UploadStats } from '../../index.node.js';
import { isTusError } from '../../index.node.js';
import { type CliIo, shellQuote } from '../cli-io.js';
import { fileTypeOf } from '../file-type.js';
import type { ProgressReporter } from '../progress.js';
import {
  describeError,
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  errorLines,
} from '../report-error.js';

export interface TransferJob {
  /** The path as given on the command line. */
  file: string;
  /** An existing upload to continue (`resume`); without it a new upload (or a stored one). */
  uploadUrl?: string | undefined;
}

export interface TransferSettings {
  client: TusClient;
  io: CliIo;
  reporter: ProgressReporter;
  /** Whether results can be printed while progress is drawn (stdout is not the terminal). */
  printLive: boolean;
  json: boolean;
  verbose: boolean;
  concurrency: number;
  /** `--metadata` pairs; `filename` and `filetype` are added unless given. */
  metadata: Record<string, string>;
  /** Look for an earlier upload of the same file in URL storage first. */
  lookupStored: boolean;
  parallelUploads?: number | undefined;
}

/** What happened to one file. */
export interface TransferResult {
  file: string;
  url: string | undefined;
  ok: boolean;
  size: number | undefined;
  /** Bytes the server held before this run (a resumed upload starts above 0). */
  resumedFrom: number;
  stats: UploadStats | undefined;
  error?: unknown;
}

function resultJson(result: TransferResult): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ok: result.ok,
    file: result.file,
    url: result.url ?? null,
    size: result.size ?? null,
  };
  if (result.ok) {
    return {
      ...base,
      resumedFrom: result.resumedFrom,
      elapsedMs: result.stats?.elapsedMs ?? 0,
      retries: result.stats?.retries ?? 0,
      checksum: result.stats?.checksumAlgorithm ?? null,
    };
  }
  const error = result.error;
  return {
    ...base,
    error: {
      code: isTusError(error) ? error.code : codeOf(error),
      message: describeError(error),
      method: isTusError(error) ? (error.method ?? null) : null,
      status: isTusError(error) ? (error.status ?? null) : null,
    },
  };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR';
}

function uploadUrlOf(error: unknown): string | undefined {
  const url = (error as { uploadUrl?: unknown } | null)?.uploadUrl;
  return typeof url === 'string' ? url : undefined;
}

/** Runs every job; returns the exit code (0, 1, or 130 when interrupted). */
export async function runTransfers(
  jobs: readonly TransferJob[],
  settings: TransferSettings,
): Promise<number> {
  const { io, reporter } = settings;
  const controller = new AbortController();
  let interrupted = false;
  const removeInterrupt = io.onInterrupt(() => {
    interrupted = true;
    controller.abort();
  });
  const results: TransferResult[] = [];
  const deferred: string[] = [];
  const emit = (result: TransferResult) => {
    results.push(result);
    let line: string | undefined;
    if (settings.json) line = JSON.stringify(resultJson(result));
    else if (result.ok && result.url !== undefined) line = result.url;
    if (line === undefined) return;
    if (settings.printLive) io.stdout.write(`${line}\n`);
    else deferred.push(line);
  };

  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
      if (controller.signal.aborted) return;
      emit(await transferOne(job, settings, controller.signal));
    }
  };
  try {
    const workers = Math.max(1, Math.min(settings.concurrency, jobs.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    removeInterrupt();
    reporter.stop();
  }
  for (const line of deferred) io.stdout.write(`${line}\n`);

  if (interrupted) {
    io.stderr.write('interrupted\n');
    for (const result of results) {
      if (result.ok) continue;
      if (result.url === undefined) {
        io.stderr.write(`${result.file}: no upload was created yet\n`);
      } else {
        io.stderr.write(
          `to resume: resumable-upload resume ${shellQuote(result.file)} --url ${shellQuote(result.url)}\n`,
        );
      }
    }
    const skipped = jobs.slice(Math.min(next, jobs.length)).length;
    if (skipped > 0) io.stderr.write(`${skipped} file(s) not started\n`);
    return EXIT_INTERRUPTED;
  }
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILURE;
}

async function transferOne(
  job: TransferJob,
  settings: TransferSettings,
  signal: AbortSignal,
): Promise<TransferResult> {
  const { client, reporter } = settings;
  let size: number | undefined;
  let url = job.uploadUrl;
  let resumedFrom = 0;
  let last: UploadStats | undefined;
  try {
    const info = await stat(job.file);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    size = info.size;
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    const error = Object.assign(new Error(`${job.file}: ${reason}`, { cause }), {
      code: typeof code === 'string' ? code : 'ERR',
    });
    reporter.log(`error: ${error.message}`);
    return { file: job.file, url, ok: false, size, resumedFrom, stats: undefined, error };
  }
  const progress = reporter.start(job.file, size);
  let first = true;
  const onProgress = (stats: UploadStats) => {
    if (first) {
      first = false;
      resumedFrom = stats.startOffset;
      // With URL storage, uploadFile itself resumed an earlier upload of this file.
      if (job.uploadUrl === undefined && settings.lookupStored && resumedFrom > 0) {
        reporter.log(`${job.file}: resuming ${stats.uploadUrl} from byte ${resumedFrom}`);
      }
    }
    last = stats;
    if (stats.uploadUrl !== undefined) url = stats.uploadUrl;
    progress.update(stats);
  };
  try {
    let done: string | undefined;
    if (url !== undefined) {
      done = await client.resumeUpload({ uploadUrl: url, filePath: job.file, onProgress, signal });
    } else {
      // With --store (storeUrl), uploadFile finds an earlier upload of this file by its
      // fingerprint and resumes it, or starts afresh when the server no longer has it.
      const metadata: UploadMetadata = {
        filename: basename(job.file),
        filetype: fileTypeOf(job.file),
        ...settings.metadata,
      };
      const parallel =
        settings.parallelUploads === undefined ? {} : { parallelUploads: settings.parallelUploads };
      done = await client.uploadFile({
        filePath: job.file,
        metadata,
        onProgress,
        onUploadUrlAvailable: (uploadUrl) => {
          url = uploadUrl;
        },
        signal,
        ...parallel,
      });
    }
    url = done;
    progress.finish({ url: done });
    return { file: job.file, url: done, ok: true, size, resumedFrom, stats: last };
  } catch (error) {
    url = uploadUrlOf(error) ?? url;
    const aborted = signal.aborted;
    progress.finish({ error: aborted ? 'interrupted' : describeError(error) });
    if (!aborted) {
      for (const line of errorLines(error, settings.verbose)) reporter.log(`${job.file}: ${line}`);
    }
    return { file: job.file, url, ok: false, size, resumedFrom, stats: last, error };
  }
}
