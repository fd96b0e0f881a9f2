/**
 * Progress where stderr is not a terminal (CI logs, `2> file`): a line when a file starts,
 * its upload URL, each retry at once, a line per running file every `intervalMs`, and a
 * line when it ends.
 */

import { terminalText } from '../terminal-text.js';
import { formatBytes } from '../units.js';
import { FileTracker } from './file-tracker.js';
import { plainLine } from './progress-fields.js';
import type { FileProgress, ProgressReporter, TextSink } from './progress-types.js';

export class PlainProgress implements ProgressReporter {
  readonly #running = new Set<FileTracker>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sink: TextSink,
    private readonly out: TextSink,
    private readonly intervalMs: number,
  ) {}

  start(name: string, totalBytes: number | undefined): FileProgress {
    const file = new FileTracker(name, totalBytes);
    this.#running.add(file);
    this.log(`${name}: uploading ${formatBytes(totalBytes)}`);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.intervalMs);
      this.#timer.unref();
    }
    return {
      update: (stats) => {
        for (const line of file.update(stats)) this.log(line);
      },
      finish: (outcome) => {
        this.#running.delete(file);
        const line = file.outcomeLine(outcome);
        if (line !== undefined) this.log(line);
      },
    };
  }

  #tick(): void {
    for (const file of this.#running) this.log(plainLine(file.name, file.fields()));
  }

  log(line: string): void {
    this.sink.write(`${terminalText(line)}\n`);
  }

  result(line: string): void {
    this.out.write(`${terminalText(line)}\n`);
  }

  skipped(): void {}

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** `--quiet`: no progress; `log` still writes (errors and hints are not progress) unless `silent`. */
export class NoProgress implements ProgressReporter {
  constructor(
    private readonly sink: TextSink | undefined,
    private readonly out: TextSink,
  ) {}
  start(): FileProgress {
    return { update() {}, finish() {} };
  }
  log(line: string): void {
    this.sink?.write(`${terminalText(line)}\n`);
  }
  result(line: string): void {
    this.out.write(`${terminalText(line)}\n`);
  }
  skipped(): void {}
  stop(): void {}
}
