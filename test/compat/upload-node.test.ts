/**
 * The tus-js-client face in Node (`resumable-upload/tus-js-client`) against our server:
 * what code written for tus-js-client does with it, the bytes checked on the server.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { TusClient } from '../../src/index.node.js';
import {
  DetailedError,
  defaultOptions,
  FileUrlStorage,
  Upload,
} from '../../src/index.tus-js-client.node.js';
import { sha256, startUpload, useProxiedServer } from './run-upload.js';

const KiB = 1024;
const bytesOf = (size: number, seed: number) =>
  Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 7 + (i >> 9)) % 256);

describe('resumable-upload/tus-js-client in Node, against our server', { timeout: 60_000 }, () => {
  const env = useProxiedServer();

  const stored = (url: string) => env.stored(url);
  const wire = (path: string, method: string) =>
    env.proxy.requests.filter((r) => r.method === method && r.path === path);

  it('uploads a Buffer chunk by chunk: progress, chunk callbacks, checksums on the wire, lastResponse', async () => {
    const data = bytesOf(250 * KiB + 3, 1);
    const run = startUpload(Buffer.from(data), {
      endpoint: env.proxy.endpoint,
      chunkSize: 100 * KiB,
      metadata: { filename: 'a.bin' },
      retryDelays: null,
    });
    const last = await run.done;
    const url = run.upload.url!;
    assert.equal(await stored(url), sha256(data));
    assert.deepEqual(
      run.chunks.map(([size, accepted]) => [size, accepted]),
      [
        [100 * KiB, 100 * KiB],
        [100 * KiB, 200 * KiB],
        [50 * KiB + 3, 250 * KiB + 3],
      ],
    );
    assert.deepEqual(run.progress.at(-1), [data.length, data.length]);
    assert.equal(last.getStatus(), 204);
    assert.equal(last.getHeader('Upload-Offset'), String(data.length));
    const patches = wire(new URL(url).pathname, 'PATCH');
    assert.equal(patches.length, 3);
    for (const patch of patches) assert.match(patch.headers['upload-checksum'] ?? '', /^sha1 /);
  });

  it('as Companion does: a stream of known size (uploadSize), uploadUrl given, X-Request-ID on every request', async () => {
    const data = bytesOf(300 * KiB + 11, 2);
    // The upload exists and holds its first 120 KiB, as after an earlier attempt.
    const client = new TusClient(env.server.endpoint, { chunkSize: 60 * KiB });
    const uploadUrl = await client.uploadFile({ input: data, stopAt: 120 * KiB });
    await client.close();
    const proxied = uploadUrl.replace(
      new URL(env.server.endpoint).origin,
      new URL(env.proxy.endpoint).origin,
    );
    const before = env.proxy.requests.length;
    const run = startUpload(Readable.from([Buffer.from(data)]), {
      endpoint: env.proxy.endpoint,
      uploadUrl: proxied,
      uploadSize: data.length,
      uploadLengthDeferred: false,
      retryDelays: [0, 1000, 3000, 5000],
      chunkSize: 50e6,
      headers: { 'X-Companion': 'yes' },
      addRequestId: true,
      metadata: { filename: 'b.bin', filetype: 'application/octet-stream' },
    });
    await run.done;
    assert.equal(run.upload.url, proxied);
    assert.equal(await stored(uploadUrl), sha256(data));
    const seen = env.proxy.requests.slice(before);
    assert.deepEqual(
      seen.map((r) => r.method),
      ['HEAD', 'OPTIONS', 'HEAD', 'PATCH'],
    );
    assert.equal(seen.at(-1)?.headers['upload-offset'], String(120 * KiB));
    const ids = seen.map((r) => r.headers['x-request-id']);
    for (const id of ids)
      assert.match(
        id ?? '',
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    assert.equal(new Set(ids).size, ids.length, 'one id per request');
    for (const r of seen) assert.equal(r.headers['x-companion'], 'yes');
    assert.deepEqual(run.progress.at(-1), [data.length, data.length]);
  });

  it('a 5xx is retried by retryDelays, onShouldRetry sees a DetailedError with the response', async () => {
    const data = bytesOf(90 * KiB, 3);
    let failed = 0;
    env.proxy.setDecide((r) =>
      r.method === 'PATCH' && failed++ < 2
        ? { kind: 'status', status: 503, body: 'busy' }
        : undefined,
    );
    const asked: [number, number | undefined, string][] = [];
    try {
      const run = startUpload(Buffer.from(data), {
        endpoint: env.proxy.endpoint,
        retryDelays: [10, 20, 30],
        onShouldRetry: (error, attempt) => {
          asked.push([
            attempt,
            error.originalResponse?.getStatus(),
            error.originalResponse?.getBody() ?? '',
          ]);
          return error instanceof DetailedError && error.originalRequest?.getMethod() === 'PATCH';
        },
      });
      await run.done;
      assert.equal(await stored(run.upload.url!), sha256(data));
    } finally {
      env.proxy.setDecide(undefined);
    }
    assert.deepEqual(asked, [
      [0, 503, 'busy'],
      [1, 503, 'busy'],
    ]);
  });

  it('a 4xx is not retried by default: onError gets a DetailedError whose response says it', async () => {
    env.proxy.setDecide((r) =>
      r.method === 'POST' ? { kind: 'status', status: 403, body: 'no' } : undefined,
    );
    try {
      const run = startUpload(Buffer.from('abc'), {
        endpoint: env.proxy.endpoint,
        retryDelays: [0, 0],
      });
      const error = await run.done.then(
        () => assert.fail('no error'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DetailedError);
      assert.equal(error.originalRequest?.getMethod(), 'POST');
      assert.equal(error.originalResponse?.getStatus(), 403);
      assert.equal(error.originalResponse?.getBody(), 'no');
      assert.match(
        error.message,
        /^tus: unexpected response while creating upload, caused by .*403/,
      );
      assert.equal((error.causingError as { code?: string }).code, 'TUS_ERR_COMMUNICATION');
    } finally {
      env.proxy.setDecide(undefined);
    }
  });

  it('abort() stops; a stored upload is found again (FileUrlStorage) and resumed from its offset', async () => {
    const path = join(env.dir, 'c.bin');
    const data = bytesOf(200 * KiB + 5, 4);
    await writeFile(path, data);
    const urlStorage = new FileUrlStorage(join(env.dir, 'urls.json'));
    const options = {
      endpoint: env.proxy.endpoint,
      chunkSize: 50 * KiB,
      urlStorage,
      retryDelays: null,
    };
    let stopped!: () => void;
    const stoppedAt = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    const first = startUpload(createReadStream(path), {
      ...options,
      onChunkComplete: (_size, accepted) => {
        if (accepted >= 100 * KiB) {
          void first.upload.abort().then(stopped);
        }
      },
    });
    first.done.then(
      () => assert.fail('the aborted upload succeeded'),
      () => assert.fail('onError after abort'),
    );
    await stoppedAt;
    const url = first.upload.url!;
    const second = startUpload(createReadStream(path), options, false);
    const previous = await second.upload.findPreviousUploads();
    assert.equal(previous.length, 1);
    assert.equal(previous[0]?.uploadUrl, url);
    assert.equal(previous[0]?.size, data.length);
    second.upload.resumeFromPreviousUpload(previous[0]!);
    const before = env.proxy.requests.length;
    second.upload.start();
    await second.done;
    assert.equal(second.upload.url, url);
    assert.equal(await stored(url), sha256(data));
    const firstPatch = env.proxy.requests.slice(before).find((r) => r.method === 'PATCH');
    assert.ok(Number(firstPatch?.headers['upload-offset']) >= 100 * KiB, 'resumed, not restarted');
    // removeFingerprintOnSuccess is false by default (as in tus-js-client): the entry stays.
    assert.equal((await urlStorage.findAllUploads()).length, 1);
  });

  it('a stored URL the server no longer knows (404) is forgotten and a new upload made', async () => {
    const data = bytesOf(10 * KiB, 5);
    const urlStorage = new FileUrlStorage(join(env.dir, 'gone.json'));
    const fingerprint = async () => 'gone-one';
    const key = await urlStorage.addUpload('gone-one', {
      size: data.length,
      metadata: {},
      creationTime: new Date().toString(),
      urlStorageKey: '',
      uploadUrl: `${env.proxy.endpoint}/nope`,
      parallelUploadUrls: null,
    });
    const run = startUpload(
      Buffer.from(data),
      { endpoint: env.proxy.endpoint, urlStorage, fingerprint },
      false,
    );
    const [previous] = await run.upload.findPreviousUploads();
    assert.equal(previous?.urlStorageKey, key);
    run.upload.resumeFromPreviousUpload(previous!);
    run.upload.start();
    await run.done;
    assert.notEqual(run.upload.url, `${env.proxy.endpoint}/nope`);
    assert.equal(await stored(run.upload.url!), sha256(data));
    const entries = await urlStorage.findAllUploads();
    assert.deepEqual(
      entries.map((e) => e.uploadUrl),
      [run.upload.url],
    );
  });

  it('abort(true) deletes the upload from the server; Upload.terminate does too', async () => {
    const data = bytesOf(120 * KiB, 6);
    let aborted!: Promise<void>;
    const run = startUpload(Buffer.from(data), {
      endpoint: env.server.endpoint,
      chunkSize: 40 * KiB,
      onChunkComplete: () => {
        aborted ??= run.upload.abort(true);
      },
    });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (aborted !== undefined) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await aborted;
    const client = new TusClient(env.server.endpoint, { maxRetries: 0 });
    await assert.rejects(client.getUploadInfo(run.upload.url!), { status: 404 });
    const other = await client.uploadFile({ input: data.subarray(0, 10) });
    await Upload.terminate(other);
    await assert.rejects(client.getUploadInfo(other), { status: 404 });
    await client.close();
  });

  it('parallelUploads 3: partials concatenated on the server', async () => {
    const data = bytesOf(300 * KiB + 1, 7);
    const run = startUpload(Buffer.from(data), {
      endpoint: env.server.endpoint,
      parallelUploads: 3,
    });
    await run.done;
    assert.equal(await stored(run.upload.url!), sha256(data));
    assert.deepEqual(run.progress.at(-1), [data.length, data.length]);
  });

  for (const [protocol, interop] of [
    ['ietf-draft-03', '5'],
    ['ietf-draft-05', '6'],
    ['ietf-draft-11', '8'],
    ['ietf-draft-12', '9'],
  ] as const) {
    it(`protocol: '${protocol}' goes to the core: chunked draft appends (interop ${interop}), bytes stored`, async () => {
      const data = bytesOf(150 * KiB + 5, 9);
      const run = startUpload(Buffer.from(data), {
        endpoint: env.proxy.endpoint,
        chunkSize: 64 * KiB,
        protocol,
        retryDelays: null,
      });
      await run.done;
      const url = run.upload.url!;
      assert.equal(await stored(url), sha256(data));
      const patches = wire(new URL(url).pathname, 'PATCH');
      assert.ok(patches.length >= 2, `${patches.length} appends`);
      for (const patch of patches) {
        assert.equal(patch.headers['upload-draft-interop-version'], interop);
        assert.equal(patch.headers['tus-resumable'], undefined);
      }
      assert.equal(patches.at(-1)?.headers['upload-complete'], '?1');
    });
  }

  it('refuses what it cannot do, at construction, naming the option', () => {
    const file = Buffer.from('x');
    const stack = { createRequest: defaultOptions.httpStack.createRequest, getName: () => 'mine' };
    assert.throws(() => new Upload(file, { httpStack: stack }), /httpStack "mine" is refused/);
    assert.throws(
      () => new Upload(file, { protocol: 'ietf-draft-02' }),
      /protocol "ietf-draft-02"/,
    );
    assert.throws(() => new Upload(file, { onProgress: 3 as never }), /onProgress/);
    // What Uppy passes (its defaults, its own plugin options) is accepted.
    new Upload(file, { ...defaultOptions, limit: 20, withCredentials: false } as never);
  });
});
