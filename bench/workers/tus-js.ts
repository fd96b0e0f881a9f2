/**
 * tus-js-client 4.3.1 (its Node build) as the comparison client. `file` mode uploads an
 * fs.ReadStream (read by path, positionally); `small` mode uploads `count` Buffers of
 * `size` bytes one after the other. `chunkSize: null` means its default, Infinity.
 * Retries are off (`retryDelays: []`) unless `ownDefaults` (then only `endpoint` and
 * `chunkSize` are set). With `statsUrl`, the result says how many PATCHes the upload took.
 */
import { randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Upload } from 'tus-js-client';
import { assertComplete, serverStats } from './verify.js';
import { peakRssMiB, readArgs, runMain } from './worker-io.js';

type UploadOptions = ConstructorParameters<typeof Upload>[1];

interface TusJsArgs {
  mode: 'file' | 'small';
  endpoint: string;
  chunkSize: number | null;
  ownDefaults?: boolean;
  statsUrl?: string;
  filePath?: string;
  count?: number;
  size?: number;
}

function uploadOnce(
  input: Buffer | ReturnType<typeof createReadStream>,
  options: UploadOptions,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(input, {
      ...options,
      onError: reject,
      onSuccess: () => {
        if (upload.url === null) reject(new Error('tus-js-client: no upload URL'));
        else resolve(upload.url);
      },
    });
    upload.start();
  });
}

runMain(async () => {
  const args = readArgs<TusJsArgs>();
  const options: UploadOptions = { endpoint: args.endpoint };
  if (args.ownDefaults !== true) options.retryDelays = [];
  if (args.chunkSize !== null) options.chunkSize = args.chunkSize;
  if (args.mode === 'small') {
    const count = args.count ?? 0;
    const buffer = randomFillSync(Buffer.allocUnsafe(args.size ?? 1024));
    const started = performance.now();
    let lastUrl = '';
    for (let i = 0; i < count; i++) lastUrl = await uploadOnce(buffer, options);
    const ms = performance.now() - started;
    const rss = peakRssMiB();
    await assertComplete(lastUrl, buffer.length);
    return { bytes: count * buffer.length, uploads: count, ms, peakRssMiB: rss };
  }
  const filePath = args.filePath ?? '';
  const size = (await stat(filePath)).size;
  const before = args.statsUrl === undefined ? undefined : await serverStats(args.statsUrl);
  const started = performance.now();
  const url = await uploadOnce(createReadStream(filePath), options);
  const ms = performance.now() - started;
  const rss = peakRssMiB();
  await assertComplete(url, size);
  const patches =
    before === undefined || args.statsUrl === undefined
      ? undefined
      : (await serverStats(args.statsUrl)).patches - before.patches;
  return { bytes: size, ms, peakRssMiB: rss, uploadUrl: url, patches };
});
