/** A 25 MiB file with chunk sizes 64 KiB, 1 MiB and Infinity (one PATCH). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, KiB, MiB, sha256, sha256File, tempDir } from './fixtures.js';

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
        const url = await client.uploadFile({
          filePath: path,
          onProgress: (stats) => {
            assert.ok(stats.bytesUploaded > last);
            last = stats.bytesUploaded;
          },
        });
        assert.equal(patches, Math.ceil(SIZE / Math.min(chunkSize, SIZE)));
        assert.equal(last, SIZE);
        assert.equal(await sha256File(server.dataPath(url)), expected);
      } finally {
        await client.close();
      }
    });
  }
});
