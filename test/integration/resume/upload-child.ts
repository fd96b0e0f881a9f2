/**
 * A separate process for the crash test: `uploadFile` with `storeUrl` and a FileUrlStorage.
 * Prints one JSON line per event on stdout. Usage: upload-child.ts ENDPOINT FILE STORE CHUNK
 */
import { FileUrlStorage, TusClient } from '../../../src/index.node.js';

const [endpoint, filePath, storePath, chunk] = process.argv.slice(2);
if (endpoint === undefined || filePath === undefined || storePath === undefined) {
  throw new Error('usage: upload-child.ts ENDPOINT FILE STORE CHUNK');
}
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const client = new TusClient(endpoint, {
  storeUrl: true,
  urlStorage: new FileUrlStorage({ path: storePath }),
  chunkSize: Number(chunk),
  retryDelay: 10,
});
let first = true;
const url = await client.uploadFile({
  filePath,
  metadata: { filename: 'crash.bin' },
  onUploadUrlAvailable: (uploadUrl) => {
    say({ event: 'url', url: uploadUrl });
  },
  onProgress: (stats) => {
    if (first) say({ event: 'start', startOffset: stats.startOffset });
    first = false;
  },
});
say({ event: 'done', url });
await client.close();
