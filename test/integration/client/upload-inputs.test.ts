/** uploadFile with every Node input kind and edge sizes, against @tus/server. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, isChunkEnd, KiB, sha256, sha256File, tempDir } from './fixtures.js';

const CHUNK = 64 * KiB;
const SIZES = { empty: 0, one: 1, chunk: CHUNK, chunkPlusOne: CHUNK + 1, several: 3 * CHUNK + 17 };

describe('uploadFile: inputs and sizes (@tus/server)', () => {
  let server: StartedTusServer;
  let client: TusClient;
  let temp: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    server = await startTusNodeServer();
    client = new TusClient(server.endpoint, { chunkSize: CHUNK, retryDelay: 10 });
    temp = await tempDir();
  });
  after(async () => {
    await client.close();
    await server.close();
    await temp.cleanup();
  });

  async function assertStored(url: string, data: Uint8Array): Promise<void> {
    assert.match(url, new RegExp(`^${server.endpoint}/[0-9a-f]+$`));
    assert.equal(await sha256File(server.dataPath(url)), sha256(data));
    const info = await client.getUploadInfo(url);
    assert.deepEqual([info.offset, info.length, info.complete], [data.length, data.length, true]);
  }

  for (const [name, size] of Object.entries(SIZES)) {
    const data = bytes(size, size + 7);

    it(`a file path of ${size} B (${name})`, async () => {
      const path = await temp.file(`${name}.bin`, data);
      const progress: number[] = [];
      const url = await client.uploadFile({
        filePath: path,
        onProgress: (stats) => {
          if (isChunkEnd(stats)) progress.push(stats.bytesUploaded);
        },
      });
      await assertStored(url, data);
      // One report a chunk; an empty input still reports (0 of 0) once.
      assert.equal(progress.length, Math.max(1, Math.ceil(size / CHUNK)));
      assert.equal(progress.at(-1), size);
    });

    it(`a Buffer of ${size} B (${name})`, async () => {
      await assertStored(await client.uploadFile({ input: Buffer.from(data) }), data);
    });

    it(`a Node Readable of ${size} B (${name}) with uploadSize`, async () => {
      const pieces = [data.subarray(0, 1000), data.subarray(1000)].filter((p) => p.length > 0);
      const readable = Readable.from(pieces.map((p) => Buffer.from(p)));
      await assertStored(await client.uploadFile({ input: readable, uploadSize: size }), data);
    });
  }

  it('a Uint8Array, an ArrayBuffer and a Blob', async () => {
    const data = bytes(2 * CHUNK + 5, 99);
    await assertStored(await client.uploadFile({ input: data }), data);
    await assertStored(await client.uploadFile({ input: data.slice().buffer }), data);
    await assertStored(await client.uploadFile({ input: new Blob([data]) }), data);
  });

  it('a web ReadableStream with small pieces', async () => {
    const data = bytes(CHUNK * 2 + 333, 5);
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= data.length) return controller.close();
        controller.enqueue(data.slice(at, at + 5000));
        at += 5000;
      },
    });
    await assertStored(await client.uploadFile({ input: stream, uploadSize: data.length }), data);
  });

  it('sends metadata that the server stores', async () => {
    const url = await client.uploadFile({
      input: bytes(10),
      metadata: { filename: 'résumé.txt', empty: '', filetype: 'text/plain' },
    });
    const info = await client.getUploadInfo(url);
    assert.deepEqual(info.metadata, { filename: 'résumé.txt', empty: '', filetype: 'text/plain' });
  });
});
