/**
 * The browser build inside workerd (the Cloudflare Workers runtime, through miniflare from
 * npm): a Worker, bundled by esbuild with the conditions wrangler uses, uploads a Uint8Array,
 * a Blob and a ReadableStream to our server on 127.0.0.1; the stored bytes are checked here.
 * miniflare lets a Worker's outbound fetch reach private addresses (its internet service
 * allows "public" and "private"); a bare workerd config needs the same `allow` list.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { FIXTURES, fileSha256, ROOT, requireBuild, sha256 } from './runtime-process.js';

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
export async function bundleWorker(): Promise<string> {
  const out = await build({
    entryPoints: [join(FIXTURES, 'worker.mjs')],
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

describe('the browser build in workerd', () => {
  let server: StartedOurServer;
  let worker: Miniflare;

  before(async () => {
    requireBuild();
    server = await startOurServer();
    worker = new Miniflare({
      modules: true,
      script: await bundleWorker(),
      compatibilityDate: '2026-04-01',
    });
    await worker.ready;
  });

  after(async () => {
    await worker?.dispose();
    await server?.close();
  });

  for (const kind of ['uint8array', 'blob', 'stream']) {
    it(`uploads a ${kind} in chunks with sha1 checksums: bytes equal`, async () => {
      const size = 300 * 1024 + 11;
      const answer = await workerUpload(worker, {
        endpoint: server.endpoint,
        kind,
        size,
        chunkSize: 128 * 1024,
      });
      assert.equal(answer.checksum, 'sha1');
      assert.ok((answer.progress ?? 0) >= 3, `progress events: ${answer.progress}`);
      assert.equal(await fileSha256(server.dataPath(answer.url ?? '')), sha256(pattern(0, size)));
    });
  }
});
