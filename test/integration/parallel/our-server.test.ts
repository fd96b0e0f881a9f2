/**
 * Parallel uploads (concatenation) and deferred length against our server: the bytes of
 * the final upload on disk equal the input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  TusClient,
  TusCommunicationError,
  TusUploadFailed,
  type UploadStats,
} from '../../../src/index.node.js';
import { startFaultProxy } from '../../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { bytes, KiB, MiB, sha256, sha256File, tempDir } from '../client/fixtures.js';

describe('parallel uploads into our server', () => {
  let server: StartedOurServer;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const files = new Map<number, { path: string; hash: string }>();
  const SIZES = [0, 1, 5, 10 * MiB, 33 * MiB + 1];

  before(async () => {
    server = await startOurServer({ fsync: false });
    temp = await tempDir();
    for (const size of SIZES) {
      const data = bytes(size, size + 3);
      files.set(size, { path: await temp.file(`f${size}.bin`, data), hash: sha256(data) });
    }
  });
  after(async () => {
    await server.close();
    await temp.cleanup();
  });

  for (const parts of [2, 3, 7]) {
    for (const size of SIZES) {
      it(`parallelUploads ${parts}, ${size} bytes: the final upload's file equals the input`, async () => {
        const file = files.get(size)!;
        let partials = 0;
        const client = new TusClient(server.endpoint, {
          chunkSize: 4 * MiB,
          beforeRequest: (method, _url, headers) => {
            if (method === 'POST' && headers['Upload-Concat'] === 'partial') partials++;
          },
        });
        try {
          let last: UploadStats | undefined;
          const url = await client.uploadFile({
            filePath: file.path,
            parallelUploads: parts,
            metadata: { filename: `f${size}.bin` },
            onProgress: (stats) => {
              last = stats;
            },
          });
          assert.equal(partials, Math.max(1, Math.min(parts, size)));
          assert.equal(await sha256File(server.dataPath(url)), file.hash);
          const info = await client.getUploadInfo(url);
          assert.deepEqual(info, {
            offset: size,
            length: size,
            complete: true,
            metadata: { filename: `f${size}.bin` },
          });
          assert.equal(last?.bytesUploaded, size);
          assert.equal(last?.uploadUrl, url);
        } finally {
          await client.close();
        }
      });
    }
  }

  it('custom parallelUploadBoundaries, with sha256 checksums on every partial PATCH', async () => {
    const size = 10 * MiB;
    const file = files.get(size)!;
    let checksums = 0;
    const client = new TusClient(server.endpoint, {
      chunkSize: MiB,
      checksum: 'sha256',
      beforeRequest: (method, _url, headers) => {
        if (method === 'PATCH' && headers['Upload-Checksum']?.startsWith('sha256 ')) checksums++;
      },
    });
    try {
      const url = await client.uploadFile({
        filePath: file.path,
        parallelUploadBoundaries: [
          { start: 0, end: 1 },
          { start: 1, end: 3 * MiB + 17 },
          { start: 3 * MiB + 17, end: size },
        ],
      });
      assert.equal(await sha256File(server.dataPath(url)), file.hash);
      assert.equal(checksums, 1 + 4 + 7);
    } finally {
      await client.close();
    }
  });

  it('a Blob and a Uint8Array input split in 4 (the browser inputs)', async () => {
    const data = bytes(5 * MiB + 3, 44);
    const client = new TusClient(server.endpoint, { chunkSize: 512 * KiB });
    try {
      for (const input of [new Blob([data]), data]) {
        const url = await client.uploadFile({ input, parallelUploads: 4 });
        assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      }
    } finally {
      await client.close();
    }
  });

  it('a stream of unknown size (20 MiB, generated) goes up with deferred length', async () => {
    const size = 20 * MiB;
    const piece = 64 * KiB;
    const data = bytes(size, 20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) {
          controller.close();
          return;
        }
        controller.enqueue(data.slice(sent, sent + piece));
        sent += piece;
      },
    });
    const lengths: string[] = [];
    const client = new TusClient(server.endpoint, {
      chunkSize: 3 * MiB,
      beforeRequest: (method, _url, headers) => {
        if (method === 'POST') lengths.push(`POST ${headers['Upload-Defer-Length']}`);
        if (method === 'PATCH' && headers['Upload-Length']) {
          lengths.push(`PATCH ${headers['Upload-Length']}`);
        }
      },
    });
    try {
      const url = await client.uploadFile({ input: stream });
      assert.deepEqual(lengths, ['POST 1', `PATCH ${size}`]);
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      assert.equal((await client.getUploadInfo(url)).length, size);
    } finally {
      await client.close();
    }
  });

  it('createPartialUpload twice, then createFinalUpload; an incomplete partial is a 400 naming it', async () => {
    const data = bytes(300 * KiB, 9);
    const client = new TusClient(server.endpoint, { chunkSize: 64 * KiB });
    try {
      const a = await client.createPartialUpload({ input: data.subarray(0, 100 * KiB) });
      const b = await client.createPartialUpload({ input: data.subarray(100 * KiB) });
      const url = await client.createFinalUpload([a, b], { metadata: { name: 'ab' } });
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      assert.deepEqual((await client.getUploadInfo(url)).metadata, { name: 'ab' });

      const uploader = client.createUploader({ input: data, chunkSize: 64 * KiB });
      await uploader.uploadChunk();
      await uploader.close();
      await assert.rejects(client.createFinalUpload([a, uploader.url!]), (error) => {
        assert.ok(error instanceof TusCommunicationError);
        assert.equal(error.status, 400);
        assert.ok(
          error.message.includes(`${uploader.url} is incomplete (holds 65536 of 307200 bytes)`),
          error.message,
        );
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('a partial failing mid-way with 403: the upload rejects, nothing is sent afterwards', async () => {
    const file = files.get(10 * MiB)!;
    let failed = false;
    const proxy = await startFaultProxy(server.endpoint, {
      decide: (request) => {
        // The second partial's third PATCH is refused (the partials are u-paths in POST order).
        if (
          !failed &&
          request.method === 'PATCH' &&
          request.headers['upload-offset'] === String(2 * 256 * KiB) &&
          Number(request.headers['content-length']) === 256 * KiB
        ) {
          failed = true;
          return { kind: 'status', status: 403, body: 'no more for you' };
        }
        return undefined;
      },
    });
    const client = new TusClient(proxy.endpoint, { chunkSize: 256 * KiB, retryDelay: 10 });
    try {
      const error = await client.uploadFile({ filePath: file.path, parallelUploads: 3 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const seen = proxy.requests.length;
      assert.ok(failed);
      assert.ok(error instanceof TusUploadFailed, String(error));
      assert.equal(error.status, 403);
      assert.match(error.message, /parallel upload failed: partial \d of 3/);
      assert.match(error.message, /no more for you/);
      assert.ok(error.cause instanceof TusCommunicationError);
      // Not the whole file went up, and no final upload was made.
      const patches = proxy.requests.filter((r) => r.method === 'PATCH').length;
      assert.ok(patches < 40, `${patches} PATCHes`);
      assert.ok(!proxy.requests.some((r) => r.headers['upload-concat']?.startsWith('final')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(proxy.requests.length, seen);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
