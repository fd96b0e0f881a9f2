/**
 * How a request body is handed to the socket: in slices small enough that the stall
 * detector sees a slow upload move (each write's callback is a sign of life, and the
 * request's upload progress), yet as one write when the connection is fast enough that a
 * chunk leaves in a blink. Each slice costs a system call and a wake-up of the server: at
 * loopback speed, eight slices per MiB made a sha1 upload 1–8 % slower than one write
 * (docs/benchmarks.md).
 *
 * Pure: the transport measures, this decides. No I/O, no clock of its own.
 */

/** The smallest slice, and the slice used while nothing has been measured yet. */
export const MIN_WRITE_SLICE = 128 * 1024;
/** A slice should take about this long at the rate last measured, in milliseconds. */
export const SLICE_TARGET_MS = 20;
/** Bodies smaller than this say little about the connection's rate: not measured. */
export const MIN_MEASURED_BODY = 256 * 1024;

/**
 * Remembers, per origin, the rate at which the last large body reached the server, and
 * picks slice sizes from it.
 */
export class WritePacing {
  /** Bytes per millisecond, by origin (`protocol//host:port`). */
  readonly #rates = new Map<string, number>();

  /**
   * The bytes per write for a body of `bodyBytes` to `origin`: `bodyBytes` (one write) when
   * the last rate seen would send a slice of `SLICE_TARGET_MS` that is the whole body,
   * else a slice between `MIN_WRITE_SLICE` and that.
   */
  sliceFor(origin: string, bodyBytes: number): number {
    const rate = this.#rates.get(origin);
    const slice =
      rate === undefined
        ? MIN_WRITE_SLICE
        : Math.max(MIN_WRITE_SLICE, Math.floor(rate * SLICE_TARGET_MS));
    return Math.min(slice, Math.max(bodyBytes, 1));
  }

  /**
   * A body of `bodyBytes` went to `origin` and was answered `elapsedMs` after its first
   * byte was written: the rate the next body there is paced by. Server time is counted
   * in, so the rate is on the low side (smaller slices), never above what was seen.
   */
  measured(origin: string, bodyBytes: number, elapsedMs: number): void {
    if (bodyBytes < MIN_MEASURED_BODY || !(elapsedMs >= 0)) return;
    this.#rates.set(origin, bodyBytes / Math.max(elapsedMs, 0.001));
  }

  /** The rate last measured for `origin`, in bytes per millisecond. */
  rateOf(origin: string): number | undefined {
    return this.#rates.get(origin);
  }

  /** A request to `origin` failed: back to small slices until a body gets through again. */
  forget(origin: string): void {
    this.#rates.delete(origin);
  }
}
