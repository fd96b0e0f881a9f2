/** stopAt/resume, resume from a URL, createUploader, delete, info, server info, abort. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  TusAbortError,
  TusClient,
  TusCommunicationError,
  TusError,
  type UploadStats,
} from '../../../src/index.node.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, isChunkEnd, KiB, sha256, sha256File, tempDir } from './fixtures.js';

describe('upload lifecycle (@tus/server)', () => {
  let server: StartedTusServer;
  let client: TusClient;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const methods: string[] = [];

  before(async () => {
    server = await startTusNodeServer();
    client = new TusClient(server.endpoint, {
      chunkSize: 16 * KiB,
      retryDelay: 10,
      beforeRequest: (method) => {
        methods.push(method);
      },
    });
    temp = await tempDir();
  });
  after(async () => {
    await client.close();
    await server.close();
    await temp.cleanup();
  });

  it('stopAt stops at that offset, resumeUpload finishes with the right bytes', async () => {
    const data = bytes(100 * KiB, 3);
    const path = await temp.file('stop.bin', data);
    const url = await client.uploadFile({ filePath: path, stopAt: 40 * KiB });
    let info = await client.getUploadInfo(url);
    assert.deepEqual([info.offset, info.length, info.complete], [40 * KiB, 100 * KiB, false]);
    const seen: UploadStats[] = [];
    const resumed = await client.resumeUpload({
      uploadUrl: url,
      filePath: path,
      onProgress: (s) => {
        if (isChunkEnd(s)) seen.push(s);
      },
    });
    assert.equal(resumed, url);
    info = await client.getUploadInfo(url);
    assert.equal(info.complete, true);
    assert.equal(await sha256File(server.dataPath(url)), sha256(data));
    assert.equal(seen[0]?.startOffset, 40 * KiB);
    assert.equal(seen.at(-1)?.bytesUploaded, 100 * KiB);
    assert.equal(seen.length, Math.ceil((60 * KiB) / (16 * KiB)));
  });

  it('stopAt beyond the size is clamped to it', async () => {
    const data = bytes(5000, 4);
    const url = await client.uploadFile({ input: data, stopAt: 1e9 });
    assert.equal((await client.getUploadInfo(url)).complete, true);
    assert.equal(await sha256File(server.dataPath(url)), sha256(data));
  });

  it('resumes a stream input from the server offset (forward skip)', async () => {
    const data = bytes(50 * KiB, 8);
    const url = await client.uploadFile({ input: data, stopAt: 20 * KiB + 3 });
    const stream = new Blob([data]).stream();
    await client.resumeUpload({ uploadUrl: url, input: stream, uploadSize: data.length });
    assert.equal(await sha256File(server.dataPath(url)), sha256(data));
  });

  it('resumeUpload of a complete upload sends no PATCH and reports 100 % once', async () => {
    const data = bytes(1000, 9);
    const url = await client.uploadFile({ input: data });
    methods.length = 0;
    const reports: number[] = [];
    const onProgress = (s: { bytesUploaded: number }) => reports.push(s.bytesUploaded);
    assert.equal(await client.resumeUpload({ uploadUrl: url, input: data, onProgress }), url);
    assert.deepEqual(methods, ['HEAD']);
    assert.deepEqual(reports, [1000]);
  });

  it('resumeUpload with an input of another size is a TusInputError before any PATCH', async () => {
    const url = await client.uploadFile({ input: bytes(1000), stopAt: 10 });
    methods.length = 0;
    await assert.rejects(client.resumeUpload({ uploadUrl: url, input: bytes(999) }), {
      code: 'TUS_ERR_INPUT',
      message: /1000 bytes.*999/,
    });
    assert.deepEqual(methods, ['HEAD']);
  });

  it('createUploader: uploadChunk one at a time, isComplete, stats, url', async () => {
    const data = bytes(40 * KiB, 10);
    const uploader = client.createUploader({ input: data, chunkSize: 16 * KiB });
    assert.equal(uploader.url, undefined);
    assert.equal(uploader.isComplete, false);
    const steps: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const more = await uploader.uploadChunk();
      steps.push(more);
      if (!more) break;
    }
    assert.deepEqual(steps, [true, true, false]);
    assert.equal(uploader.isComplete, true);
    const stats = uploader.stats;
    assert.equal(stats.bytesUploaded, data.length);
    assert.equal(stats.totalBytes, data.length);
    assert.equal(stats.chunksCompleted, 3);
    assert.equal(stats.retries, 0);
    assert.equal(stats.checksumAlgorithm, undefined, '@tus/server has no checksum extension');
    assert.equal(stats.uploadUrl, uploader.url);
    await uploader.close();
    assert.equal(await sha256File(server.dataPath(uploader.url!)), sha256(data));
  });

  it('createUploader on an existing URL continues it', async () => {
    const data = bytes(30 * KiB, 11);
    const url = await client.uploadFile({ input: data, stopAt: 7 });
    const uploader = client.createUploader({ uploadUrl: url, input: data });
    assert.equal(await uploader.upload(), url);
    assert.equal(uploader.stats.startOffset, 7);
    await uploader.close();
    assert.equal(await sha256File(server.dataPath(url)), sha256(data));
  });

  it('deleteUpload, then getUploadInfo is a 404 TusCommunicationError', async () => {
    const url = await client.uploadFile({ input: bytes(100) });
    await client.deleteUpload(url);
    const error = await client.getUploadInfo(url).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TusCommunicationError);
    assert.equal(error.status, 404);
    assert.equal(error.method, 'HEAD');
    assert.equal(error.url, url);
    assert.match(error.message, /^HEAD http:\/\/127\.0\.0\.1:\d+\/files\/\w+: 404 Not Found/);
    await assert.rejects(client.resumeUpload({ uploadUrl: url, input: bytes(100) }), {
      status: 404,
    });
  });

  it('getServerInfo reads OPTIONS once per client', async () => {
    methods.length = 0;
    const info = await client.getServerInfo();
    await client.getServerInfo();
    assert.equal(info.version, '1.0.0');
    assert.deepEqual(info.versions, ['1.0.0']);
    assert.ok(info.extensions.includes('creation'));
    assert.ok(info.extensions.includes('termination'));
    assert.deepEqual(info.checksumAlgorithms, []);
    assert.ok(methods.filter((m) => m === 'OPTIONS').length <= 1);
  });

  it('abort mid-upload: a TusAbortError with the offset, and the upload resumes', async () => {
    const data = bytes(256 * KiB, 12);
    const controller = new AbortController();
    let chunks = 0;
    const error = await client
      .uploadFile({
        input: data,
        signal: controller.signal,
        onProgress: (s) => {
          if (isChunkEnd(s)) chunks++;
          if (chunks === 3) controller.abort(new Error('user stop'));
        },
      })
      .then(
        () => assert.fail('expected an abort'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof TusAbortError);
    assert.ok(error instanceof TusError);
    assert.equal(error.code, 'TUS_ERR_ABORTED');
    assert.equal(error.offset, 48 * KiB);
    assert.match(error.message, /aborted at 49152 of 262144 bytes/);
    assert.ok(error.uploadUrl !== undefined);
    assert.equal((error.cause as Error).message, 'user stop');
    const info = await client.getUploadInfo(error.uploadUrl);
    assert.equal(info.offset, 48 * KiB);
    await client.resumeUpload({ uploadUrl: error.uploadUrl, input: data });
    assert.deepEqual(await readFile(server.dataPath(error.uploadUrl)), Buffer.from(data));
  });

  it('a signal aborted before the start rejects before any request', async () => {
    methods.length = 0;
    await assert.rejects(
      client.uploadFile({ input: bytes(10), signal: AbortSignal.abort() }),
      TusAbortError,
    );
    assert.deepEqual(methods, []);
  });
});
