/**
 * Progress on stderr: a bar per file on a terminal (cli-progress), a plain line every few
 * seconds otherwise, nothing with `--quiet`. Stdout is left to results.
 */
import cliProgress from 'cli-progress';
import type { UploadStats } from '../index.node.js';
import { formatBytes, formatDuration, formatSpeed } from './units.js';

/** A writable text stream (process.stderr, or a test double). */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/** The progress of one file. */
export interface FileProgress {
  update(stats: UploadStats): void;
  /** The file finished (`url`) or failed (`error`, a one-line message). */
  finish(outcome: { url: string } | { error: string }): void;
}

export interface ProgressReporter {
  /** `name` is what people see (the path given); `totalBytes` when known. */
  start(name: string, totalBytes: number | undefined): FileProgress;
  /** A line for people on stderr, placed above the bars while they are drawn. */
  log(line: string): void;
  /** Stops drawing; safe to call twice. */
  stop(): void;
}

export type ProgressMode = 'bar' | 'plain' | 'none';

/** The fields a progress line shows, shared by the bar and the plain lines. */
export interface ProgressFields {
  done: string;
  size: string;
  percent: string;
  speed: string;
  eta: string;
  retries: number;
}

/** Milliseconds left at the current speed, when the library gave no estimate. */
function estimateEta(stats: UploadStats): number | undefined {
  if (stats.totalBytes === undefined || stats.bytesPerSecond <= 0) return undefined;
  return ((stats.totalBytes - stats.bytesUploaded) / stats.bytesPerSecond) * 1000;
}

export function progressFields(stats: UploadStats): ProgressFields {
  const total = stats.totalBytes;
  const percent =
    total === undefined || total === 0
      ? '?'
      : `${Math.min(100, Math.floor((stats.bytesUploaded / total) * 100))}%`;
  return {
    done: formatBytes(stats.bytesUploaded),
    size: formatBytes(total),
    percent,
    speed: formatSpeed(stats.bytesPerSecond),
    eta: formatDuration(stats.etaMs ?? estimateEta(stats)),
    retries: stats.retries,
  };
}

/** One plain progress line, e.g. `big.bin  12.0 MiB / 64.0 MiB  18%  5.2 MiB/s  ETA 10s  retries 0`. */
export function plainLine(name: string, stats: UploadStats): string {
  const f = progressFields(stats);
  return `${name}  ${f.done} / ${f.size}  ${f.percent}  ${f.speed}  ETA ${f.eta}  retries ${f.retries}`;
}

function shortName(name: string, width: number): string {
  if (name.length <= width) return name.padEnd(width);
  return `…${name.slice(name.length - width + 1)}`;
}

class NoProgress implements ProgressReporter {
  constructor(private readonly sink: TextSink | undefined) {}
  start(): FileProgress {
    return { update() {}, finish() {} };
  }
  log(line: string): void {
    this.sink?.write(`${line}\n`);
  }
  stop(): void {}
}

/** A line per running file every `intervalMs`, and a line when each file ends. */
class PlainProgress implements ProgressReporter {
  private readonly running = new Map<object, { name: string; stats: UploadStats | undefined }>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sink: TextSink,
    private readonly intervalMs: number,
  ) {}

  start(name: string, totalBytes: number | undefined): FileProgress {
    const key = {};
    const entry: { name: string; stats: UploadStats | undefined } = { name, stats: undefined };
    this.running.set(key, entry);
    this.sink.write(`${name}: uploading ${formatBytes(totalBytes)}\n`);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.tick(), this.intervalMs);
      this.timer.unref();
    }
    let announced = false;
    return {
      update: (stats) => {
        entry.stats = stats;
        if (!announced && stats.uploadUrl !== undefined) {
          announced = true;
          this.sink.write(`${name}: upload URL ${stats.uploadUrl}\n`);
        }
      },
      finish: (outcome) => {
        this.running.delete(key);
        const stats = entry.stats;
        if ('url' in outcome) {
          const took = stats === undefined ? '' : ` in ${formatDuration(stats.elapsedMs)}`;
          const size = stats === undefined ? '' : ` ${formatBytes(stats.bytesUploaded)}`;
          this.sink.write(`${name}: done${size}${took}\n`);
        }
        // A failure is reported by the command's own error line.
      },
    };
  }

  private tick(): void {
    for (const { name, stats } of this.running.values()) {
      if (stats !== undefined) this.sink.write(`${plainLine(name, stats)}\n`);
    }
  }

  log(line: string): void {
    this.sink.write(`${line}\n`);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** `eta`, `percentage`, `value` and `total` are cli-progress's own tokens: ours differ. */
const BAR_FORMAT = '{name} {bar} {percent} {done}/{size} {speed} {remaining} retries {retries}';

function payload(name: string, fields: ProgressFields): Record<string, unknown> {
  const { eta, ...rest } = fields;
  const plain = /^(took|failed|interrupted)/.test(eta);
  return { name, ...rest, remaining: plain ? eta : `ETA ${eta}` };
}

/** A cli-progress bar per file on a terminal. */
class BarProgress implements ProgressReporter {
  private readonly bars: cliProgress.MultiBar;
  private stopped = false;

  constructor(private readonly sink: TextSink) {
    const columns = sink.columns ?? 100;
    this.bars = new cliProgress.MultiBar(
      {
        format: BAR_FORMAT,
        stream: sink as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        gracefulExit: false,
        barsize: Math.max(8, Math.min(30, columns - 72)),
        fps: 5,
        emptyOnZero: true,
        linewrap: false,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(name: string, totalBytes: number | undefined): FileProgress {
    const label = shortName(name, 16);
    const empty: ProgressFields = {
      done: formatBytes(0),
      size: formatBytes(totalBytes),
      percent: '0%',
      speed: '-',
      eta: '?',
      retries: 0,
    };
    const bar = this.bars.create(totalBytes ?? 0, 0, payload(label, empty));
    let last: UploadStats | undefined;
    return {
      update: (stats) => {
        if (last?.uploadUrl === undefined && stats.uploadUrl !== undefined) {
          this.log(`${name}: upload URL ${stats.uploadUrl}`);
        }
        last = stats;
        if (stats.totalBytes !== undefined && stats.totalBytes !== bar.getTotal()) {
          bar.setTotal(stats.totalBytes);
        }
        bar.update(stats.bytesUploaded, payload(label, progressFields(stats)));
      },
      finish: (outcome) => {
        if ('url' in outcome) {
          const fields = last === undefined ? empty : progressFields(last);
          const took = `took ${last === undefined ? '?' : formatDuration(last.elapsedMs)}`;
          bar.update(
            last?.bytesUploaded ?? bar.getTotal(),
            payload(label, { ...fields, percent: '100%', eta: took }),
          );
        } else {
          const eta = outcome.error === 'interrupted' ? 'interrupted' : 'failed';
          bar.update(payload(label, { ...(last ? progressFields(last) : empty), eta }));
        }
      },
    };
  }

  log(line: string): void {
    if (this.stopped) this.sink.write(`${line}\n`);
    else this.bars.log(`${line}\n`);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bars.stop();
  }
}

/**
 * The reporter for `mode` writing to `sink`. In `none` mode, `log` still writes (errors and
 * hints are not progress) unless `silent`.
 */
export function createProgressReporter(
  mode: ProgressMode,
  sink: TextSink,
  options: { intervalMs?: number; silent?: boolean } = {},
): ProgressReporter {
  if (mode === 'bar') return new BarProgress(sink);
  if (mode === 'plain') return new PlainProgress(sink, options.intervalMs ?? 5000);
  return new NoProgress(options.silent === true ? undefined : sink);
}

/** `bar` on a terminal, `plain` otherwise, `none` when quiet. */
export function chooseProgressMode(sink: TextSink, quiet: boolean): ProgressMode {
  if (quiet) return 'none';
  return sink.isTTY === true ? 'bar' : 'plain';
}
