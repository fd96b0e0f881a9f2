/**
 * What the CLI needs from its process, passed in so commands never touch `process`
 * directly (and never call `process.exit()`).
 */
import type { Readable } from 'node:stream';
import type { TextSink } from './progress/progress-types.js';

export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** What `upload -` reads (absent in unit tests). */
  readonly stdin?: Readable | undefined;
  /** Calls `handler` on Ctrl-C (SIGINT) and SIGTERM; returns a function that removes it. */
  onInterrupt(handler: (signal: string) => void): () => void;
}

/** The real process: stdout, stderr, SIGINT/SIGTERM. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    onInterrupt(handler) {
      const listener = (signal: NodeJS.Signals) => handler(signal);
      process.once('SIGINT', listener);
      process.once('SIGTERM', listener);
      return () => {
        process.removeListener('SIGINT', listener);
        process.removeListener('SIGTERM', listener);
      };
    },
  };
}

/** Quotes a path or URL for a shell command line people may copy. */
export function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
