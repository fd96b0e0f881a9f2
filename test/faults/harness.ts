/** Shared checks of the fault suites: progress bounded by the truth, typed errors, timing. */
import assert from 'node:assert/strict';
import { TusError, type UploadStats } from '../../src/index.node.js';
import type { FaultProxy } from '../helpers/fault-proxy.js';

/**
 * An `onProgress` that asserts, at every report, that progress never goes backwards and
 * never claims more than the server itself answered (seen by the proxy).
 */
export function progressGuard(proxy: FaultProxy): {
  onProgress: (stats: UploadStats) => void;
  reports: number[];
} {
  const reports: number[] = [];
  return {
    reports,
    onProgress(stats) {
      const last = reports.at(-1) ?? 0;
      assert.ok(
        stats.bytesUploaded >= last,
        `progress went back: ${last} -> ${stats.bytesUploaded}`,
      );
      const path = stats.uploadUrl === undefined ? '' : new URL(stats.uploadUrl).pathname;
      const truth = proxy.serverOffsets.get(path) ?? 0;
      assert.ok(
        stats.bytesUploaded <= truth,
        `progress ${stats.bytesUploaded} is past what the server confirmed (${truth})`,
      );
      reports.push(stats.bytesUploaded);
    },
  };
}

/** `error` is the `TusError` subclass `type`, with its code and the request facts filled in. */
export function assertTyped<T extends TusError>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
  expect: { code: string; method?: string; status?: number | undefined },
): T {
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  assert.ok(error instanceof TusError);
  assert.equal(error.code, expect.code, error.message);
  if (expect.method !== undefined) assert.equal(error.method, expect.method, error.message);
  if ('status' in expect) assert.equal(error.status, expect.status, error.message);
  assert.match(error.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/files/, error.message);
  return error;
}

/** Runs `work`, returning what it threw (or `undefined`) and the milliseconds it took. */
export async function timed(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  let error: unknown;
  try {
    await work();
  } catch (caught) {
    error = caught;
  }
  return { error, ms: performance.now() - started };
}
