/**
 * The Workers of the workerd tests (fixtures/worker.mjs, fixtures/stream-body-worker.ts): bundled as wrangler would, asked to
 * upload over `dispatchFetch`, and the pattern of bytes it generates.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Miniflare } from 'miniflare';
import { FIXTURES, ROOT } from './runtime-process.js';

/** The bytes the Worker generates (fixtures/worker.mjs `pattern`). */
export function pattern(from: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const at = from + i;
    out[i] = (at * 31 + (at >>> 8)) & 255;
  }
  return out;
}

/** The Worker script as wrangler would deploy it: one ES module, workerd's conditions. */
export async function bundleWorker(entry = 'worker.mjs'): Promise<string> {
  const out = await build({
    entryPoints: [join(FIXTURES, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (file === undefined) throw new Error('esbuild wrote no Worker script');
  return file.text;
}

export interface WorkerAnswer {
  url?: string;
  checksum?: string | null;
  progress?: number;
  error?: string;
}

/** Asks the Worker to upload `size` bytes of `kind` to `endpoint`. */
export async function workerUpload(
  worker: Miniflare,
  query: Record<string, string | number>,
): Promise<WorkerAnswer> {
  const search = new URLSearchParams(
    Object.entries(query).map(([name, value]) => [name, String(value)]),
  );
  const response = await worker.dispatchFetch(`http://worker.test/?${search}`);
  const answer = (await response.json()) as WorkerAnswer;
  assert.equal(response.status, 200, answer.error);
  return answer;
}
