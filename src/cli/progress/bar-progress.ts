/**
 * Progress on a terminal: a bar per running file and a batch line, redrawn in place at
 * the bottom (`LiveArea`); the upload URL, retries, results and errors are written above
 * it, whole. A finished file leaves the area and says so above it.
 */

import { terminalText } from '../terminal-text.js';
import { formatBytes, formatSpeed } from '../units.js';
import { FileTracker } from './file-tracker.js';
import { LiveArea } from './live-area.js';
import type { ProgressFields } from './progress-fields.js';
import type { FileProgress, ProgressReporter, TextSink } from './progress-types.js';

const FPS_MS = 100;
const NAME_WIDTH = 20;
const BAR_WIDTH = 20;

function shortName(name: string, width: number): string {
  const chars = [...name];
  if (chars.length <= width) return name.padEnd(width);
  return `…${chars.slice(chars.length - width + 1).join('')}`;
}

function bar(fraction: number, width: number): string {
  const full = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

/** One bar line: `name  ███░░  45% 1.0 MiB/2.0 MiB 5.0 MiB/s ETA 3s` (or the retry). */
export function barLine(name: string, fraction: number, f: ProgressFields): string {
  const head = `${shortName(name, NAME_WIDTH)} ${bar(fraction, BAR_WIDTH)} ${f.percent.padStart(4)} ${f.done}/${f.size}`;
  if (f.state.startsWith('retry ')) return `${head} ${f.state}`;
  return `${head} ${f.speed} ETA ${f.eta}`;
}

export class BarProgress implements ProgressReporter {
  readonly #area: LiveArea;
  readonly #running = new Set<FileTracker>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #done = 0;
  #failed = 0;
  #sentBefore = 0;

  /**
   * @param out stdout: result lines go above the bars when it is the same terminal.
   * @param files how many files the batch has (a batch line is shown when more than one).
   */
  constructor(
    private readonly sink: TextSink,
    private readonly out: TextSink,
    private readonly files: number,
  ) {
    this.#area = new LiveArea(sink);
  }

  start(name: string, totalBytes: number | undefined): FileProgress {
    const file = new FileTracker(name, totalBytes);
    this.#running.add(file);
    this.#timer ??= setInterval(() => this.#redraw(), FPS_MS);
    this.#timer.unref();
    this.#redraw();
    return {
      update: (stats) => {
        for (const line of file.update(stats)) this.log(line);
      },
      finish: (outcome) => {
        this.#running.delete(file);
        if ('url' in outcome) {
          this.#done += 1;
          this.#sentBefore += outcome.bytesSent;
        } else {
          this.#failed += 1;
          if (file.stats !== undefined)
            this.#sentBefore += file.stats.bytesUploaded - file.stats.startOffset;
        }
        const line = file.outcomeLine(outcome);
        if (line !== undefined) this.log(line);
        else this.#redraw();
      },
    };
  }

  #lines(): string[] {
    const rows = Math.max(3, (this.sink.rows ?? 24) - 2);
    const files = [...this.#running];
    const shown = files.slice(0, this.files > 1 ? rows - 2 : rows - 1);
    const lines = shown.map((file) => {
      const total = file.stats?.totalBytes ?? file.totalBytes;
      const sent = file.stats?.bytesSent ?? 0;
      const fraction = total === undefined || total === 0 ? 0 : sent / total;
      return barLine(file.name, fraction, file.fields());
    });
    if (files.length > shown.length) lines.push(`… and ${files.length - shown.length} more`);
    if (this.files > 1) lines.push(this.#batchLine(files));
    return lines;
  }

  #batchLine(files: readonly FileTracker[]): string {
    let sent = this.#sentBefore;
    let speed = 0;
    for (const file of files) {
      if (file.stats !== undefined) sent += file.stats.bytesUploaded - file.stats.startOffset;
      speed += file.meter.bytesPerSecond();
    }
    const failed = this.#failed > 0 ? `, ${this.#failed} failed` : '';
    return `batch: ${this.#done}/${this.files} files done${failed}, ${formatBytes(sent)} sent, ${formatSpeed(speed)}`;
  }

  #redraw(): void {
    this.#area.draw(this.#lines());
  }

  log(line: string): void {
    this.#area.writeAbove(terminalText(line));
  }

  result(line: string): void {
    if (this.out.isTTY === true) this.#area.writeAbove(terminalText(line), this.out);
    else this.out.write(`${terminalText(line)}\n`);
  }

  skipped(): void {
    this.#done += 1;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#area.stop();
  }
}
