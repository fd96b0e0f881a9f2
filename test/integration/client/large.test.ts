/** A 25 MiB file with chunk sizes 64 KiB, 1 MiB, Infinity (one PATCH) and 'auto'. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, isChunkEnd, KiB, MiB, sha256, sha256File, tempDir } from './fixtures.js';

describe('25 MiB uploads (@tus/server)', () => {
  let server: StartedTusServer;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  let expected: string;
  const SIZE = 25 * MiB;

  before(async () => {
    server = await startTusNodeServer();
    temp = await tempDir();
    const data = bytes(SIZE, 25);
    expected = sha256(data);
    path = await temp.file('25mib.bin', data);
  });
  after(async () => {
    await server.close();
    await temp.cleanup();
  });

  for (const [label, chunkSize] of [
    ['64 KiB', 64 * KiB],
    ['1 MiB', MiB],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['auto', 'auto'],
  ] as const) {
    it(`chunkSize ${label}`, async () => {
      let patches = 0;
      const client = new TusClient(server.endpoint, {
        chunkSize,
        beforeRequest: (method) => {
          if (method === 'PATCH') patches++;
        },
      });
      try {
        let last = 0;
        let sent = 0;
        let ends = 0;
        const url = await client.uploadFile({
          filePath: path,
          onProgress: (stats) => {
            // Bytes sent only grow (no failure here); each chunk's end moves the offset.
            assert.ok(stats.bytesSent >= sent && stats.bytesSent >= stats.bytesUploaded);
            sent = stats.bytesSent;
            if (!isChunkEnd(stats)) return;
            assert.ok(stats.bytesUploaded > last);
            last = stats.bytesUploaded;
            ends++;
          },
        });
        assert.equal(ends, patches, 'one chunk-end report per PATCH');
        if (chunkSize === 'auto') {
          // 1 MiB first, then larger chunks: fewer PATCHes than 1 MiB chunks would need.
          assert.ok(patches >= 2 && patches < SIZE / MiB, `${patches} PATCHes`);
        } else {
          assert.equal(patches, Math.ceil(SIZE / Math.min(chunkSize, SIZE)));
        }
        assert.equal(last, SIZE);
        assert.equal(await sha256File(server.dataPath(url)), expected);
      } finally {
        await client.close();
      }
    });
  }
});
