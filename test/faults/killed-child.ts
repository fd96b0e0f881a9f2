/**
 * Child of killed-process.test.ts: uploads a file and prints one JSON line per chunk
 * (`{"url": ..., "offset": ...}`) until it is killed. Args: endpoint, file, chunkSize, checksum.
 */
import { TusClient } from '../../src/index.node.js';
import { isChunkEnd } from '../integration/client/fixtures.js';

const [endpoint = '', filePath = '', chunkSize = '0', checksum = 'false'] = process.argv.slice(2);
const client = new TusClient(endpoint, {
  chunkSize: Number(chunkSize),
  checksum: checksum === 'false' ? false : 'sha1',
  timeout: 60_000,
});
await client.uploadFile({
  filePath,
  onProgress: (stats) => {
    if (!isChunkEnd(stats)) return;
    process.stdout.write(
      `${JSON.stringify({ url: stats.uploadUrl, offset: stats.bytesUploaded })}\n`,
    );
  },
});
await client.close();
