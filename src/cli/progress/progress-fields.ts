/**
 * What a progress line says, shared by the bars and the plain lines: bytes, percent, a
 * speed measured here over the last seconds (so it falls to 0 while nothing moves, instead
 * of repeating the last chunk's speed), an ETA that says `unknown` when there is no speed,
 * and while a retry is pending its reason, attempt n of m and when it comes.
 */
import type { UploadStats } from '../../index.node.js';
import { describeError } from '../report-error.js';
import { showUrlsIn } from '../show-url.js';
import { terminalText } from '../terminal-text.js';
import { formatBytes, formatDuration, formatSpeed } from '../units.js';

/** The uploader's pending retry (`UploadStats.retry`). */
export type RetryState = NonNullable<UploadStats['retry']>;

/** Span of the speed measurement: the speed is what moved in the last 5 s. */
export const SPEED_WINDOW_MS = 5000;

/** Below this span there is no speed yet (one chunk is not a measurement). */
const MIN_SPAN_MS = 250;

/** Bytes per second over a sliding window of samples; 0 once nothing moved for a window. */
export class SpeedMeter {
  readonly #samples: Array<{ at: number; bytes: number }> = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Records that `bytes` (a running total) had moved by `at` (now by default). */
  sample(bytes: number, at: number = this.now()): void {
    const last = this.#samples.at(-1);
    if (last !== undefined && bytes < last.bytes) this.#samples.length = 0; // a resync went back
    this.#samples.push({ at, bytes });
    // Keep one sample at or before the window's start, as its anchor.
    const start = at - SPEED_WINDOW_MS;
    while (this.#samples.length > 1 && (this.#samples[1]?.at ?? at) <= start) {
      this.#samples.shift();
    }
  }

  /** What moved in the last window (time without movement counts), per second. */
  bytesPerSecond(): number {
    const now = this.now();
    const last = this.#samples.at(-1);
    const first = this.#samples[0];
    if (last === undefined || first === undefined) return 0;
    const from = Math.max(first.at, now - SPEED_WINDOW_MS);
    const span = now - from;
    if (span < MIN_SPAN_MS) return 0;
    return ((last.bytes - this.#bytesAt(from)) / span) * 1000;
  }

  /** The running total at time `at`, interpolated between the samples around it. */
  #bytesAt(at: number): number {
    let before = this.#samples[0];
    for (const sample of this.#samples) {
      if (sample.at > at) {
        if (before === undefined || sample.at === before.at) return sample.bytes;
        const share = (at - before.at) / (sample.at - before.at);
        return before.bytes + (sample.bytes - before.bytes) * Math.max(0, share);
      }
      before = sample;
    }
    return before?.bytes ?? 0;
  }
}

/** The fields of one progress line. */
export interface ProgressFields {
  done: string;
  size: string;
  percent: string;
  speed: string;
  /** `10s`, `unknown`. */
  eta: string;
  /** `retries 0`, or while waiting `retry 1 of 3 in 2s: <reason>`. */
  state: string;
}

/** `in 400ms`, `in 4s`, `in 1m05s`; `now` once the wait is over (the retry is running). */
function waitText(ms: number): string {
  if (ms <= 0) return 'now';
  return ms < 1000 ? `in ${Math.ceil(ms / 100) * 100}ms` : `in ${formatDuration(ms)}`;
}

/** `retry 1 of 3 in 2s: <reason>` for a pending retry (`now` while it runs). */
export function retryText(retry: RetryState, wallNow: number = Date.now()): string {
  const when = waitText(retry.at - wallNow);
  return `retry ${retry.attempt} of ${retry.maxRetries} ${when}: ${terminalText(showUrlsIn(describeError(retry.error)))}`;
}

export function progressFields(
  stats: UploadStats | undefined,
  totalBytes: number | undefined,
  bytesPerSecond: number,
  wallNow: number = Date.now(),
): ProgressFields {
  const total = stats?.totalBytes ?? totalBytes;
  const sent = stats?.bytesSent ?? 0;
  const percent =
    total === undefined || total === 0
      ? '?'
      : `${Math.min(100, Math.floor((sent / total) * 100))}%`;
  const retry = stats?.retry;
  const left = total === undefined ? undefined : total - sent;
  const eta =
    left === undefined || retry !== undefined || bytesPerSecond <= 0
      ? 'unknown'
      : formatDuration((left / bytesPerSecond) * 1000);
  let state = `retries ${stats?.retries ?? 0}`;
  if (retry !== undefined) state = retryText(retry, wallNow);
  else if (stats === undefined) state = 'connecting';
  return {
    done: formatBytes(sent),
    size: formatBytes(total),
    percent,
    speed: formatSpeed(bytesPerSecond),
    eta,
    state,
  };
}

/** One plain progress line: `big.bin  12.0 MiB / 64.0 MiB  18%  5.2 MiB/s  ETA 10s  retries 0`. */
export function plainLine(name: string, f: ProgressFields): string {
  return `${name}  ${f.done} / ${f.size}  ${f.percent}  ${f.speed}  ETA ${f.eta}  ${f.state}`;
}
