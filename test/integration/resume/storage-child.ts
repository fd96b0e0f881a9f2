/**
 * A separate process for the storage concurrency test: waits until START (ms since the
 * epoch) so that every process writes at once, then sets COUNT entries of its own.
 * Usage: storage-child.ts STORE ID COUNT START
 */
import { FileUrlStorage } from '../../../src/index.node.js';

const [path, id, count, start] = process.argv.slice(2);
if (path === undefined || id === undefined) throw new Error('usage: STORE ID COUNT START');
const storage = new FileUrlStorage({ path, lockTimeout: 60_000 });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(start) - Date.now())));
for (let i = 0; i < Number(count); i++) {
  await storage.set(`size:${i}--sha256:${id}-${i}`, {
    uploadUrl: `http://127.0.0.1/files/${id}-${i}`,
    size: i,
    createdAt: new Date().toISOString(),
    metadata: { writer: String(id) },
  });
}
process.stdout.write('ok\n');
