/**
 * A File is sliced per chunk, never read whole: neither by the upload nor by the browser's
 * fingerprint (which reads its first 64 KiB). Run in Node with the browser TusClient, over
 * a File that records every slice and refuses to be read whole.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryUrlStorage, TusClient } from '../../src/index.browser.js';
import { startTusNodeServer } from '../helpers/tus-node-server.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';

class WatchedFile extends File {
  readonly slices: [number, number][] = [];

  override slice(start = 0, end = this.size, contentType?: string): Blob {
    this.slices.push([start, Math.min(end, this.size)]);
    return super.slice(start, end, contentType);
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    throw new Error('the whole File was read (arrayBuffer)');
  }

  override stream(): ReturnType<File['stream']> {
    throw new Error('the whole File was read (stream)');
  }

  override text(): Promise<string> {
    throw new Error('the whole File was read (text)');
  }
}

describe('a File is read in slices', () => {
  it('chunks of chunkSize, and 64 KiB for the fingerprint', async () => {
    const tus = await startTusNodeServer();
    const chunkSize = 256 * 1024;
    const client = new TusClient(tus.endpoint, {
      chunkSize,
      storeUrl: true,
      urlStorage: new InMemoryUrlStorage(),
    });
    try {
      const bytes = makeBytes(1_000_000, 8);
      const file = new WatchedFile([bytes], 'big.bin', { lastModified: 5 });
      const url = await client.uploadFile({ input: file });
      assert.equal(await fileSha256(tus.dataPath(url)), sha256Hex(bytes));
      assert.ok(file.slices.length >= 4, `${file.slices.length} slices`);
      for (const [start, end] of file.slices) {
        assert.ok(end - start <= chunkSize, `a slice of ${end - start} bytes at ${start}`);
      }
      assert.deepEqual(file.slices[0], [0, 65_536], 'the fingerprint reads the first 64 KiB');
    } finally {
      await client.close();
      await tus.close();
    }
  });
});
