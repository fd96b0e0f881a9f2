/**
 * What a reporter remembers about one running file: the last stats, a speed meter, and
 * which announcements (the upload URL, each retry) were made already.
 */

import { redactUrl, type UploadStats } from '../../index.node.js';
import { formatBytes, formatDuration } from '../units.js';
import { type ProgressFields, progressFields, retryText, SpeedMeter } from './progress-fields.js';
import type { FileOutcome } from './progress-types.js';

export class FileTracker {
  stats: UploadStats | undefined;
  readonly meter: SpeedMeter;
  #announcedUrl = false;
  #lastRetry: string | undefined;

  constructor(
    readonly name: string,
    readonly totalBytes: number | undefined,
    now?: () => number,
  ) {
    this.meter = new SpeedMeter(now);
  }

  /** Takes `stats`; returns the lines to announce (the upload URL, a new retry). */
  update(stats: UploadStats): string[] {
    const lines: string[] = [];
    if (this.stats === undefined) {
      // The clock of the stats started before this first report: count from there.
      this.meter.sample(stats.startOffset, performance.now() - stats.elapsedMs);
    }
    this.stats = stats;
    this.meter.sample(stats.bytesSent);
    if (!this.#announcedUrl && stats.uploadUrl !== undefined) {
      this.#announcedUrl = true;
      lines.push(`${this.name}: upload URL ${redactUrl(stats.uploadUrl)}`);
    }
    const retry = stats.retry;
    const key = retry === undefined ? undefined : `${retry.attempt}@${retry.at}`;
    if (retry !== undefined && key !== this.#lastRetry) {
      lines.push(`${this.name}: ${retryText(retry)}`);
    }
    this.#lastRetry = key;
    return lines;
  }

  fields(): ProgressFields {
    return progressFields(this.stats, this.totalBytes, this.meter.bytesPerSecond());
  }

  /** The line that says how the file ended; `undefined` for a failure (its error says it). */
  outcomeLine(outcome: FileOutcome): string | undefined {
    const took = formatDuration(this.stats?.elapsedMs);
    if ('url' in outcome) {
      const total = this.stats?.totalBytes ?? this.totalBytes;
      const of =
        total !== undefined && total !== outcome.bytesSent ? ` of ${formatBytes(total)}` : '';
      return `${this.name}: done: sent ${formatBytes(outcome.bytesSent)}${of} in ${took}`;
    }
    if ('interrupted' in outcome) {
      const held = this.stats?.bytesUploaded ?? 0;
      return `${this.name}: interrupted: the server holds ${formatBytes(held)} of ${formatBytes(this.stats?.totalBytes ?? this.totalBytes)}`;
    }
    return undefined;
  }
}
