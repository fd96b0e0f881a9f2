/**
 * Against `@tus/server` (no concatenation, but creation-defer-length): parallelUploads is a
 * typed refusal before any upload request; a stream of unknown size goes up deferred.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient, TusExtensionUnsupportedError } from '../../../src/index.node.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, KiB, MiB, sha256, sha256File, tempDir } from '../client/fixtures.js';

describe('parallel and deferred uploads against @tus/server', () => {
  let server: StartedTusServer;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const seen: string[] = [];

  before(async () => {
    server = await startTusNodeServer({
      intercept: (req) => {
        seen.push(`${req.method} ${req.headers['upload-concat'] ?? ''}`.trim());
        return false;
      },
    });
    temp = await tempDir();
  });
  after(async () => {
    await server.close();
    await temp.cleanup();
  });

  it('parallelUploads: TusExtensionUnsupportedError naming concatenation, only OPTIONS sent', async () => {
    const path = await temp.file('p.bin', bytes(100 * KiB, 4));
    seen.length = 0;
    const client = new TusClient(server.endpoint);
    try {
      await assert.rejects(client.uploadFile({ filePath: path, parallelUploads: 2 }), (error) => {
        assert.ok(error instanceof TusExtensionUnsupportedError);
        assert.equal(error.code, 'TUS_ERR_EXTENSION_UNSUPPORTED');
        assert.equal(error.extension, 'concatenation');
        assert.ok(error.offered.includes('creation'));
        assert.match(
          error.message,
          /lacks the tus extension concatenation, needed for parallelUploads/,
        );
        return true;
      });
      await assert.rejects(
        client.createFinalUpload([`${server.endpoint}/abc`]),
        TusExtensionUnsupportedError,
      );
      await assert.rejects(
        client.createPartialUpload({ filePath: path }),
        TusExtensionUnsupportedError,
      );
      assert.deepEqual(seen, ['OPTIONS']);
    } finally {
      await client.close();
    }
  });

  it('a stream of unknown size (5 MiB + 3) goes up with Upload-Defer-Length', async () => {
    const data = bytes(5 * MiB + 3, 5);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < data.length; at += 100 * KiB) {
          controller.enqueue(data.slice(at, at + 100 * KiB));
        }
        controller.close();
      },
    });
    const client = new TusClient(server.endpoint, { chunkSize: MiB });
    try {
      const url = await client.uploadFile({ input: stream });
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      const info = await client.getUploadInfo(url);
      assert.equal(info.length, data.length);
      assert.equal(info.complete, true);
    } finally {
      await client.close();
    }
  });

  it('createDeferredUpload of a Buffer', async () => {
    const data = bytes(2 * MiB, 6);
    const client = new TusClient(server.endpoint, { chunkSize: MiB });
    try {
      const url = await client.createDeferredUpload({ input: data, metadata: { k: 'v' } });
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      assert.deepEqual(await client.getUploadInfo(url), {
        offset: data.length,
        length: data.length,
        complete: true,
        metadata: { k: 'v' },
      });
    } finally {
      await client.close();
    }
  });
});
