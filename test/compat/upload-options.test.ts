/**
 * The tus-js-client face's options one by one, against our server behind a recording
 * proxy: inputs (reader, deferred stream), the request/response objects of the hooks,
 * network errors as Uppy reads them, creation with data, checksums, URL storage clean-up.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  DetailedError,
  enableDebugLog,
  FileUrlStorage,
  type HttpRequest,
  type PreviousUpload,
} from '../../src/index.tus-js-client.node.js';
import { startOurServer } from '../helpers/our-server.js';
import { sha256, startUpload, useProxiedServer } from './run-upload.js';

const KiB = 1024;
const bytesOf = (size: number, seed: number) =>
  Uint8Array.from({ length: size }, (_, i) => (i * 13 + seed) % 251);
const failure = (done: Promise<unknown>) =>
  done.then(
    () => assert.fail('the upload succeeded'),
    (error: unknown) => error,
  );

describe('resumable-upload/tus-js-client options', { timeout: 60_000 }, () => {
  const env = useProxiedServer();

  const stored = (url: string) => env.stored(url);
  const since = (mark: number) => env.proxy.requests.slice(mark);

  it('a reader ({ read() }) with uploadSize is uploaded', async () => {
    const data = bytesOf(70 * KiB, 1);
    const pieces = [data.subarray(0, 1000), data.subarray(1000).buffer.slice(1000)];
    const reader = {
      read: async () => {
        const value = pieces.shift();
        return value === undefined
          ? { done: true as const, value: undefined }
          : { done: false as const, value };
      },
    };
    const run = startUpload(reader, {
      endpoint: env.proxy.endpoint,
      uploadSize: data.length,
      chunkSize: 30 * KiB,
    });
    await run.done;
    assert.equal(await stored(run.upload.url!), sha256(data));
  });

  it('uploadLengthDeferred: a stream of unknown size, its length sent with its last bytes', async () => {
    const data = bytesOf(50 * KiB + 7, 2);
    const mark = env.proxy.requests.length;
    const run = startUpload(Readable.from([Buffer.from(data)]), {
      endpoint: env.proxy.endpoint,
      uploadLengthDeferred: true,
      chunkSize: 20 * KiB,
    });
    await run.done;
    assert.equal(await stored(run.upload.url!), sha256(data));
    const seen = since(mark);
    assert.equal(seen.find((r) => r.method === 'POST')?.headers['upload-defer-length'], '1');
    const patches = seen.filter((r) => r.method === 'PATCH');
    assert.equal(patches.at(-1)?.headers['upload-length'], String(data.length));
    assert.ok(patches.slice(0, -1).every((r) => r.headers['upload-length'] === undefined));
  });

  it("a stream without uploadSize or uploadLengthDeferred: tus-js-client's error, no request", async () => {
    const mark = env.proxy.requests.length;
    const run = startUpload(Readable.from([Buffer.from('abc')]), { endpoint: env.proxy.endpoint });
    const error = await failure(run.done);
    assert.ok(error instanceof DetailedError);
    assert.match(error.message, /cannot automatically derive upload's size/);
    assert.equal(error.originalRequest, null);
    assert.equal(since(mark).length, 0);
  });

  it('onBeforeRequest/onAfterResponse: one request object for both, headers set and read', async () => {
    let answered = 0;
    const before = new Set<HttpRequest>();
    const mark = env.proxy.requests.length;
    const run = startUpload(Buffer.from(bytesOf(5000, 3)), {
      endpoint: env.proxy.endpoint,
      onBeforeRequest: (req) => {
        req.setHeader('X-Trace', `${req.getMethod()}-1`);
        before.add(req);
      },
      onAfterResponse: (req, res) => {
        assert.equal(res.getHeader('tus-resumable'), '1.0.0');
        assert.equal(res.getHeader('Tus-Resumable'), '1.0.0');
        assert.equal(req.getHeader('x-trace'), `${req.getMethod()}-1`);
        const xhr = res.getUnderlyingObject() as { readyState: number; status: number };
        assert.equal(xhr.readyState, 4);
        assert.equal(xhr.status, res.getStatus());
        answered++;
        assert.ok(before.has(req), 'onAfterResponse got another request object');
      },
    });
    const last = await run.done;
    assert.equal(last.getHeader('upload-offset'), '5000');
    assert.equal(answered, before.size);
    for (const r of since(mark)) assert.equal(r.headers['x-trace'], `${r.method}-1`);
  });

  it('withCredentials = true (as Uppy sets it) is taken (Node has no cookie store: nothing changes)', async () => {
    const data = bytesOf(3000, 5);
    const run = startUpload(Buffer.from(data), {
      endpoint: env.proxy.endpoint,
      onBeforeRequest: (req) => {
        (req.getUnderlyingObject() as { withCredentials: boolean }).withCredentials = true;
      },
    });
    await run.done;
    assert.equal(await stored(run.upload.url!), sha256(data));
  });

  it("a network failure: originalResponse null, the underlying record says status 0 (Uppy's network-error test)", async () => {
    const closed = await startOurServer();
    const endpoint = closed.endpoint;
    await closed.close();
    const run = startUpload(Buffer.from('abc'), { endpoint, retryDelays: null });
    const error = await failure(run.done);
    assert.ok(error instanceof DetailedError);
    assert.equal(error.originalResponse, null);
    const xhr = error.originalRequest?.getUnderlyingObject() as {
      readyState: number;
      status: number;
    };
    assert.equal(xhr.readyState, 4);
    assert.equal(xhr.status, 0);
    assert.match(error.message, /^tus: failed to .*originated from request \(method: \w+/);
  });

  it('stallTimeout (ours) is the inactivity bound: a stalled answer is abandoned and retried', async () => {
    let stalls = 0;
    env.proxy.setDecide((r) =>
      r.method === 'PATCH' && stalls++ === 0 ? { kind: 'stall-answer', ms: 10_000 } : undefined,
    );
    const codes: string[] = [];
    try {
      const data = bytesOf(8000, 9);
      const run = startUpload(Buffer.from(data), {
        endpoint: env.proxy.endpoint,
        stallTimeout: 300,
        retryDelays: [0],
        onShouldRetry: (error) => {
          codes.push(String((error.causingError as { code?: string } | null)?.code));
          return true;
        },
      });
      await run.done;
      assert.equal(await stored(run.upload.url!), sha256(data));
    } finally {
      env.proxy.setDecide(undefined);
    }
    assert.equal(codes.length, 1);
    assert.match(codes[0]!, /^TUS_ERR_(TIMEOUT|STALLED)$/);
  });

  it('uploadDataDuringCreation: the POST carries the bytes, no PATCH for a small file', async () => {
    const data = bytesOf(3000, 4);
    const mark = env.proxy.requests.length;
    const run = startUpload(Buffer.from(data), {
      endpoint: env.proxy.endpoint,
      uploadDataDuringCreation: true,
    });
    await run.done;
    assert.equal(await stored(run.upload.url!), sha256(data));
    const seen = since(mark).filter((r) => r.method !== 'OPTIONS');
    assert.deepEqual(
      seen.map((r) => r.method),
      ['POST'],
    );
    assert.equal(seen[0]?.headers['content-length'], String(data.length));
    assert.deepEqual(run.chunks, [[data.length, data.length, data.length]]);
  });

  it('checksum: an algorithm of ours, or false for none', async () => {
    for (const [checksum, expected] of [
      ['sha256', /^sha256 /],
      [false, undefined],
    ] as const) {
      const mark = env.proxy.requests.length;
      const run = startUpload(Buffer.from(bytesOf(2000, 5)), {
        endpoint: env.proxy.endpoint,
        checksum,
      });
      await run.done;
      const patch = since(mark).find((r) => r.method === 'PATCH');
      if (expected === undefined) assert.equal(patch?.headers['upload-checksum'], undefined);
      else assert.match(patch?.headers['upload-checksum'] ?? '', expected);
    }
  });

  it('removeFingerprintOnSuccess removes the stored entry; enableDebugLog logs the steps', async (t) => {
    const inner = new FileUrlStorage(join(env.dir, 'urls.json'));
    const calls: string[] = [];
    const urlStorage = {
      findAllUploads: () => inner.findAllUploads(),
      findUploadsByFingerprint: (fingerprint: string) =>
        inner.findUploadsByFingerprint(fingerprint),
      addUpload: (fingerprint: string, upload: PreviousUpload) => {
        calls.push(`add ${fingerprint.slice(0, 11)}`);
        return inner.addUpload(fingerprint, upload);
      },
      removeUpload: (key: string) => {
        calls.push(`remove ${key.slice(0, 11)}`);
        return inner.removeUpload(key);
      },
    };
    const logged: string[] = [];
    t.mock.method(console, 'log', (message: unknown) => logged.push(String(message)));
    enableDebugLog();
    const run = startUpload(Buffer.from(bytesOf(4000, 6)), {
      endpoint: env.proxy.endpoint,
      urlStorage,
      removeFingerprintOnSuccess: true,
    });
    await run.done;
    assert.deepEqual(calls, ['add node-buffer', 'remove node-buffer']);
    assert.deepEqual(await inner.findAllUploads(), []);
    assert.ok(
      logged.some((m) => m.startsWith('Calculated fingerprint: node-buffer-')),
      logged.join('\n'),
    );
    assert.ok(
      logged.some((m) => m.startsWith('Created upload at ')),
      logged.join('\n'),
    );
  });
});
