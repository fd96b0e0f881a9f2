/**
 * Our client, from the built package (`dist/index.node.js`, passed as `distUrl`).
 * `file` mode: `new TusClient(endpoint, { chunkSize, checksum }).uploadFile({ filePath })`,
 * optionally with `parallelUploads`; an option left out of the arguments is not passed
 * (so both left out is `new TusClient(endpoint)`, the defaults). `small` mode: `count`
 * uploads of `size` bytes each, one after the other, from a Uint8Array. With `statsUrl`
 * (the server's /__bench/stats), the result also says how many PATCHes the upload took;
 * with `progress`, how many progress events it gave and its last stats.
 */
import { randomFillSync } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { assertComplete, serverStats } from './verify.js';
import { peakRssMiB, readArgs, runMain } from './worker-io.js';

interface OursArgs {
  mode: 'file' | 'small';
  distUrl: string;
  endpoint: string;
  chunkSize?: number;
  checksum?: false | 'sha1';
  parallelUploads?: number;
  statsUrl?: string;
  /** Count onProgress calls and report the last stats (off: no callback at all). */
  progress?: boolean;
  filePath?: string;
  count?: number;
  size?: number;
}

/** The slice of our public API the benchmark uses (typed here: dist may not exist yet). */
interface OurClient {
  uploadFile(options: Record<string, unknown>): Promise<string>;
}
interface OurModule {
  TusClient: new (endpoint: string, options: Record<string, unknown>) => OurClient;
}

/** True when the client refused the `parallelUploads` option itself. */
function rejectsParallel(error: unknown): boolean {
  return (
    (error instanceof TypeError || error instanceof RangeError) && /parallel/i.test(error.message)
  );
}

runMain(async () => {
  const args = readArgs<OursArgs>();
  const { TusClient } = (await import(args.distUrl)) as OurModule;
  const clientOptions: Record<string, unknown> = {};
  if (args.chunkSize !== undefined) clientOptions.chunkSize = args.chunkSize;
  if (args.checksum !== undefined) clientOptions.checksum = args.checksum;
  const client = new TusClient(args.endpoint, clientOptions);
  if (args.mode === 'small') {
    const count = args.count ?? 0;
    const bytes = randomFillSync(new Uint8Array(args.size ?? 1024));
    const started = performance.now();
    let lastUrl = '';
    for (let i = 0; i < count; i++) lastUrl = await client.uploadFile({ input: bytes });
    const ms = performance.now() - started;
    const rss = peakRssMiB();
    await assertComplete(lastUrl, bytes.length);
    return { bytes: count * bytes.length, uploads: count, ms, peakRssMiB: rss };
  }
  const filePath = args.filePath ?? '';
  const size = (await stat(filePath)).size;
  let progressEvents = 0;
  let lastStats: unknown;
  const options: Record<string, unknown> = { filePath };
  if (args.progress === true) {
    options.onProgress = (stats: unknown) => {
      progressEvents++;
      lastStats = stats;
    };
  }
  if (args.parallelUploads !== undefined) options.parallelUploads = args.parallelUploads;
  const before = args.statsUrl === undefined ? undefined : await serverStats(args.statsUrl);
  const started = performance.now();
  let url: string;
  try {
    url = await client.uploadFile(options);
  } catch (error) {
    if (args.parallelUploads !== undefined && rejectsParallel(error)) {
      return { skipped: `the client rejected parallelUploads: ${(error as Error).message}` };
    }
    throw error;
  }
  const ms = performance.now() - started;
  const rss = peakRssMiB();
  // a parallel upload's URL is the final (concatenated) upload
  await assertComplete(url, size);
  const patches =
    before === undefined || args.statsUrl === undefined
      ? undefined
      : (await serverStats(args.statsUrl)).patches - before.patches;
  return { bytes: size, ms, peakRssMiB: rss, uploadUrl: url, progressEvents, lastStats, patches };
});
