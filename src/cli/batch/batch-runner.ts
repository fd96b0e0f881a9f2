/**
 * Runs a batch: every job with bounded concurrency, one result line per file as it ends
 * (keyed by the file), a failure line on stderr for each failed file, how to go on for
 * each unfinished one, a one-line summary, and the exit code (0 all done, 1 any failed,
 * 130 interrupted).
 */
import { isTusError } from '../../index.node.js';
import type { CliIo } from '../cli-io.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from '../report-error.js';
import { jsonText } from '../terminal-text.js';
import { goesOnAgain, type HintSettings, resumeHint } from './hints.js';
import { isOk, type TransferJob, type TransferResult } from './job.js';
import { resultJson, resultLine, summaryLine } from './results.js';
import { type TransferContext, transferFile } from './transfer-file.js';

export interface BatchSettings extends TransferContext, HintSettings {
  io: CliIo;
  json: boolean;
  /** `--quiet`: no summary line either. */
  quiet: boolean;
  concurrency: number;
}

export async function runBatch(
  jobs: readonly TransferJob[],
  settings: BatchSettings,
): Promise<number> {
  const { io, reporter, journal } = settings;
  const started = performance.now();
  const controller = new AbortController();
  let interrupted = false;
  const removeInterrupt = io.onInterrupt(() => {
    interrupted = true;
    controller.abort();
  });
  if (journal !== undefined && journal.finishedCount > 0) {
    reporter.log(
      `going on with an unfinished batch: ${journal.finishedCount} file(s) finished before are skipped`,
    );
  }
  const results: TransferResult[] = [];
  const emit = (result: TransferResult) => {
    results.push(result);
    const line = settings.json ? jsonText(resultJson(result)) : resultLine(result);
    if (line !== undefined) reporter.result(line);
  };

  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job !== undefined; job = jobs[next++]) {
      if (controller.signal.aborted) {
        next -= 1;
        return;
      }
      emit(await transferFile(job, settings, controller.signal));
    }
  };
  try {
    const workers = Math.max(1, Math.min(settings.concurrency, jobs.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    removeInterrupt();
  }

  const unfinished = results.filter((r) => !isOk(r));
  if (interrupted) reporter.log('interrupted');
  for (const result of unfinished) {
    // A file that could not be read has its error line; one gone from the server its way to
    // start afresh; one the server did not take, a hint.
    if (result.gone !== true && (result.status === 'interrupted' || isTusError(result.error))) {
      reporter.log(resumeHint(result, settings));
    }
  }
  const batch = jobs.length > 1;
  if (batch && (interrupted || unfinished.length > 0) && journal !== undefined) {
    reporter.log(
      unfinished.every(goesOnAgain)
        ? 'to go on with the batch: run the same command again (finished files are skipped)'
        : 'to go on with the batch once what failed above is fixed (a missing or unreadable file, the endpoint, the credentials): run the same command again (finished files are skipped)',
    );
  }
  reporter.stop();
  if (batch && !settings.quiet) {
    io.stderr.write(`${summaryLine(results, jobs.length, performance.now() - started)}\n`);
  }
  if (journal !== undefined) {
    if (!interrupted && unfinished.length === 0) await journal.remove();
    else await journal.close();
  }
  if (interrupted) return EXIT_INTERRUPTED;
  return unfinished.length === 0 ? EXIT_OK : EXIT_FAILURE;
}
