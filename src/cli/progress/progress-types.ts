/** The shapes shared by the progress reporters. */
import type { UploadStats } from '../../index.node.js';

/** A writable text stream (process.stderr, or a test double). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
  readonly rows?: number | undefined;
}

/** How one file ended, as the progress output tells it. */
export type FileOutcome =
  | { url: string; bytesSent: number }
  | { error: string }
  | { interrupted: true };

/** The progress of one file. */
export interface FileProgress {
  update(stats: UploadStats): void;
  finish(outcome: FileOutcome): void;
}

export interface ProgressReporter {
  /** `name` is what people see (the path given); `totalBytes` when known. */
  start(name: string, totalBytes: number | undefined): FileProgress;
  /** A line for people on stderr, written above the bars while they are drawn. */
  log(line: string): void;
  /** A result line on stdout, written above the bars when stdout is the same terminal. */
  result(line: string): void;
  /** A file that needed no transfer (already done): counted in the batch line. */
  skipped(): void;
  /** Stops drawing; safe to call twice. */
  stop(): void;
}

export type ProgressMode = 'bar' | 'plain' | 'none';
