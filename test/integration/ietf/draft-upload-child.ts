/**
 * A separate process for the draft's crash test: `uploadFile` with `storeUrl`, a
 * FileUrlStorage and a draft `protocol`. Prints one JSON line per event on stdout.
 * Usage: draft-upload-child.ts ENDPOINT FILE STORE CHUNK PROTOCOL
 */
import { FileUrlStorage, TusClient } from '../../../src/index.node.js';
import { isDraftProtocol } from '../../../src/protocol/ietf/interop.js';

const [endpoint, filePath, storePath, chunk, protocol] = process.argv.slice(2);
if (
  endpoint === undefined ||
  filePath === undefined ||
  storePath === undefined ||
  !isDraftProtocol(protocol)
) {
  throw new Error('usage: draft-upload-child.ts ENDPOINT FILE STORE CHUNK PROTOCOL');
}
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const client = new TusClient(endpoint, {
  protocol,
  storeUrl: true,
  urlStorage: new FileUrlStorage({ path: storePath }),
  chunkSize: Number(chunk),
  retryDelay: 10,
});
const url = await client.uploadFile({
  filePath,
  onUploadUrlAvailable: (uploadUrl) => {
    say({ event: 'url', url: uploadUrl });
  },
});
say({ event: 'done', url });
await client.close();
