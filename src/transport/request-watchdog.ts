/**
 * The clock of one request, shared by every transport: the seed's `timeout` as an
 * inactivity bound (no byte moving either way for `timeout` ms), and the opt-in
 * `requestTimeout` cap on the whole request.
 *
 * While the body goes out, every piece the platform reports sent is a sign of life: a slow
 * upload that keeps moving never times out. The OS reports those pieces in bursts (Linux
 * wakes a writer only once about half of its send buffer, up to 4 MiB, has left), so the
 * transport may allow a gap of that half buffer's time at the rate it has seen (`grace`). Once the last piece is handed over, the whole
 * answer (tus answers are small) must arrive within `timeout`, so that a server can
 * neither stay silent nor trickle an answer for ever. The operating system may still hold
 * up to a few MiB of the body in its socket buffers at that point (measured on Linux
 * loopback: ~4 MiB), which leave at the link's pace without any sign the transport can
 * see: the answer's deadline is extended by the time those bytes need at the rate last
 * seen (`drainAllowanceMs`).
 *
 * Platform-free: timers only.
 */
import { type TusErrorDetails, TusStallError, TusTimeoutError } from '../errors/index.js';

/**
 * Bytes the OS may hold between a finished write and the wire: Linux's send buffer grows
 * to 4 MiB (tcp_wmem), and the peer's receive buffer holds some more; measured on loopback
 * in front of a slow reader: 4.07 MiB. With a margin: 6 MiB.
 */
export const OS_BUFFER_BYTES = 6 * 1024 * 1024;
/** The rate assumed for that drain while none has been measured, in bytes per ms (64 KB/s). */
export const ASSUMED_MIN_RATE = 64;

export interface WatchdogSettings {
  details: TusErrorDetails & { method: string; url: string };
  /** Inactivity bound in ms (`Infinity` = none). */
  timeout: number;
  /** Whole-request bound in ms (`Infinity` or `undefined` = none). */
  requestTimeout?: number | undefined;
  /** Called once when a bound is exceeded. */
  onExpire: (error: Error) => void;
  /** Clock in ms. @default performance.now */
  now?: (() => number) | undefined;
}

/**
 * The extra wait, in ms, after the last byte of a `bodyBytes` body was handed to the OS:
 * the bytes it may still buffer, at `rate` bytes/ms (the origin's last measured rate).
 */
export function drainAllowanceMs(bodyBytes: number, rate: number | undefined): number {
  const buffered = Math.min(bodyBytes, OS_BUFFER_BYTES);
  return buffered / Math.max(rate ?? ASSUMED_MIN_RATE, ASSUMED_MIN_RATE);
}

/** The silence, in ms, the OS's write bursts may leave while `sentBytes` are out: half its buffer. */
export function burstAllowanceMs(sentBytes: number, rate: number | undefined): number {
  return drainAllowanceMs(Math.min(sentBytes, OS_BUFFER_BYTES) / 2, rate);
}

export class RequestWatchdog {
  readonly #settings: WatchdogSettings;
  readonly #now: () => number;
  #lastLife: number;
  /** Extra ms of silence allowed while sending (the OS's bursts, at the rate seen). */
  #grace = 0;
  /** When the answer must be complete by, once the body was handed over. */
  #answerDeadline: number | undefined;
  #answerStarted = false;
  #interval: ReturnType<typeof setInterval> | undefined;
  #cap: ReturnType<typeof setTimeout> | undefined;
  #done = false;

  constructor(settings: WatchdogSettings) {
    this.#settings = settings;
    this.#now = settings.now ?? (() => performance.now());
    this.#lastLife = this.#now();
    const { timeout, requestTimeout } = settings;
    if (Number.isFinite(timeout)) {
      this.#interval = setInterval(() => this.check(), Math.max(5, Math.min(1000, timeout / 4)));
    }
    if (requestTimeout !== undefined && Number.isFinite(requestTimeout)) {
      this.#cap = setTimeout(() => {
        this.#expire(
          new TusTimeoutError(
            `${this.#prefix()}: the request took longer than requestTimeout (${requestTimeout} ms)`,
            requestTimeout,
            settings.details,
          ),
        );
      }, requestTimeout);
    }
  }

  /** A byte moved (connected, a piece of the body sent, a piece of the answer received). */
  alive(): void {
    this.#lastLife = this.#now();
  }

  /** While sending: allow `graceMs` of silence beyond `timeout` (see the top). */
  allowGap(graceMs: number): void {
    this.#grace = graceMs;
  }

  /** The whole body was handed over: the answer must be complete within `timeout` + `graceMs`. */
  sent(graceMs = 0): void {
    this.#answerDeadline = this.#now() + this.#settings.timeout + graceMs;
  }

  /** The answer's status line arrived (its body is still due by the same deadline). */
  answered(): void {
    this.#answerStarted = true;
  }

  /** Stops the clocks; safe to call twice. */
  stop(): void {
    this.#done = true;
    if (this.#interval !== undefined) clearInterval(this.#interval);
    if (this.#cap !== undefined) clearTimeout(this.#cap);
  }

  /** Expires the request when it has been idle too long (called by the interval; public for tests). */
  check(): void {
    if (this.#done) return;
    const { timeout, details } = this.#settings;
    const now = this.#now();
    if (this.#answerDeadline !== undefined) {
      if (now < this.#answerDeadline) return;
      const what = this.#answerStarted ? 'the answer did not complete' : 'no answer came';
      this.#expire(
        new TusTimeoutError(
          `${this.#prefix()}: ${what} within ${timeout} ms (timeout) after the request was sent`,
          timeout,
          details,
        ),
      );
      return;
    }
    if (now - this.#lastLife < timeout + this.#grace) return;
    this.#expire(
      new TusStallError(
        `${this.#prefix()}: no data moved for ${timeout} ms (timeout) while sending`,
        timeout,
        details,
      ),
    );
  }

  #prefix(): string {
    return `${this.#settings.details.method} ${this.#settings.details.url}`;
  }

  #expire(error: Error): void {
    if (this.#done) return;
    this.stop();
    this.#settings.onExpire(error);
  }
}
