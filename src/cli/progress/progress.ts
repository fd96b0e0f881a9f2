/**
 * Progress on stderr: bars redrawn in place on a terminal, a plain line every few seconds
 * otherwise, nothing with `--quiet`. Stdout is left to results.
 */
import { BarProgress } from './bar-progress.js';
import { NoProgress, PlainProgress } from './plain-progress.js';
import type { ProgressMode, ProgressReporter, TextSink } from './progress-types.js';

export type {
  FileOutcome,
  FileProgress,
  ProgressMode,
  ProgressReporter,
  TextSink,
} from './progress-types.js';

export interface ReporterOptions {
  /** Plain mode: ms between progress lines. @default 5000 */
  intervalMs?: number | undefined;
  /** None mode: not even log lines. */
  silent?: boolean | undefined;
  /** Files in the batch (the bars show a batch line when more than one). @default 1 */
  files?: number | undefined;
}

/** The reporter for `mode`: progress and log lines to `sink` (stderr), results to `out`. */
export function createProgressReporter(
  mode: ProgressMode,
  sink: TextSink,
  out: TextSink,
  options: ReporterOptions = {},
): ProgressReporter {
  if (mode === 'bar') return new BarProgress(sink, out, options.files ?? 1);
  if (mode === 'plain') return new PlainProgress(sink, out, options.intervalMs ?? 5000);
  return new NoProgress(options.silent === true ? undefined : sink, out);
}

/** `bar` on a terminal, `plain` otherwise, `none` when quiet. */
export function chooseProgressMode(sink: TextSink, quiet: boolean): ProgressMode {
  if (quiet) return 'none';
  return sink.isTTY === true ? 'bar' : 'plain';
}
