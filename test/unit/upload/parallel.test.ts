/** parallelUploads, createPartialUpload and createFinalUpload over a scripted transport. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TusAbortError,
  TusCommunicationError,
  TusExtensionUnsupportedError,
  TusInputError,
  TusUploadFailed,
} from '../../../src/errors/index.js';
import type { UploadStats } from '../../../src/types.js';
import { FakeTransport, fakeClient } from '../../helpers/fake-transport.js';
import { concatTus } from './parallel-memory-tus.js';

const data = Uint8Array.from({ length: 3001 }, (_, i) => (i * 31 + 7) % 256);
const endpoint = 'http://tus.test/files';

function setup(config: Parameters<typeof concatTus>[0] = {}, chunkSize = 400) {
  const tus = concatTus(config);
  const transport = new FakeTransport(tus.handler);
  const checksum = config.checksums !== undefined;
  const client = fakeClient(transport, { chunkSize, checksum, retryDelay: 1 });
  return { tus, transport, client };
}

describe('parallelUploads over a fake transport', () => {
  it('uploads N partials, then a final upload of them in order: stored bytes equal the input', async () => {
    const { tus, transport, client } = setup({ checksums: ['sha1'] });
    const url = await client.uploadFile({
      input: data,
      parallelUploads: 3,
      metadata: { filename: 'a.bin' },
      metadataForPartialUploads: { part: 'yes' },
    });
    assert.deepEqual(tus.bytes(url), data);
    const posts = transport.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 4);
    const partials = posts.slice(0, 3);
    for (const post of partials) {
      assert.equal(post.headers['Upload-Concat'], 'partial');
      assert.equal(post.headers['Upload-Metadata'], `part ${btoa('yes')}`);
    }
    assert.deepEqual(partials.map((p) => p.headers['Upload-Length']).sort(), [
      '1000',
      '1000',
      '1001',
    ]);
    const final = posts[3];
    assert.equal(final?.headers['Upload-Length'], undefined);
    assert.equal(final?.headers['Upload-Metadata'], `filename ${btoa('a.bin')}`);
    // The partial that holds byte 0 comes first, whatever order the POSTs were answered in.
    const partialUrls = (final?.headers['Upload-Concat'] ?? '').replace('final;', '').split(' ');
    assert.equal(partialUrls.length, 3);
    assert.deepEqual(
      partialUrls.map((u) => tus.uploads.get(new URL(u).pathname)?.length),
      [1001, 1000, 1000],
    );
    for (const u of partialUrls) assert.ok(u.startsWith('http://tus.test/files/'), u);
    // Checksums on every partial PATCH.
    for (const patch of transport.requests.filter((r) => r.method === 'PATCH')) {
      assert.match(patch.headers['Upload-Checksum'] ?? '', /^sha1 /);
    }
  });

  it('partials run at the same time (every partial is created before the first one ends)', async () => {
    const { transport, client } = setup({}, 100);
    await client.uploadFile({ input: data, parallelUploads: 4 });
    const firstFinishedPatch = transport.requests.findIndex(
      (r) => r.method === 'PATCH' && r.headers['Upload-Offset'] === '600',
    );
    const lastPost = transport.requests.findLastIndex(
      (r) => r.method === 'POST' && r.headers['Upload-Concat'] === 'partial',
    );
    assert.ok(firstFinishedPatch > 0);
    assert.ok(lastPost < firstFinishedPatch, transport.log.join('\n'));
  });

  for (const [size, parts, expected] of [
    [5, 7, 5],
    [1, 3, 1],
    [0, 2, 1],
    [5, 2, 2],
  ] as const) {
    it(`${size} bytes in ${parts} partials: ${expected} partial(s), stored bytes equal`, async () => {
      const { tus, transport, client } = setup();
      const input = data.slice(0, size);
      const url = await client.uploadFile({ input, parallelUploads: parts });
      assert.deepEqual(tus.bytes(url), input);
      const partialPosts = transport.requests.filter(
        (r) => r.method === 'POST' && r.headers['Upload-Concat'] === 'partial',
      );
      assert.equal(partialPosts.length, expected);
    });
  }

  it('parallelUploadBoundaries: the caller’s ranges, in order', async () => {
    const { tus, transport, client } = setup();
    const url = await client.uploadFile({
      input: data,
      parallelUploadBoundaries: [
        { start: 0, end: 10 },
        { start: 10, end: 3000 },
        { start: 3000, end: 3001 },
      ],
    });
    assert.deepEqual(tus.bytes(url), data);
    const lengths = transport.requests
      .filter((r) => r.headers['Upload-Concat'] === 'partial')
      .map((r) => r.headers['Upload-Length'])
      .sort();
    assert.deepEqual(lengths, ['1', '10', '2990']);
  });

  it('boundaries that do not cover the input: RangeError naming the range, before any request', async () => {
    const { transport, client } = setup();
    for (const [boundaries, pattern] of [
      [[{ start: 0, end: 10 }], /last end must be 3001/],
      [[{ start: 1, end: 3001 }], /\[0\]\.start must be 0/],
      [
        [
          { start: 0, end: 10 },
          { start: 11, end: 3001 },
        ],
        /\[1\]\.start must be 10/,
      ],
      [[{ start: 0, end: 4000 }], /past the input/],
    ] as const) {
      await assert.rejects(
        client.uploadFile({ input: data, parallelUploadBoundaries: boundaries }),
        (error: unknown) => error instanceof RangeError && pattern.test(error.message),
      );
    }
    assert.equal(transport.requests.length, 0);
  });

  it('bad option types and ranges are TypeError/RangeError at the call', async () => {
    const { transport, client } = setup();
    const bad: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
      [{ parallelUploads: 0 }, RangeError, /parallelUploads.*0/],
      [{ parallelUploads: 2.5 }, RangeError, /parallelUploads.*2\.5/],
      [{ parallelUploads: '2' }, TypeError, /parallelUploads.*"2"/],
      [{ parallelUploadBoundaries: 'x' }, TypeError, /parallelUploadBoundaries/],
      [{ parallelUploadBoundaries: [] }, RangeError, /parallelUploadBoundaries/],
      [{ parallelUploadBoundaries: [{ start: 0, end: -1 }] }, RangeError, /\[0\]\.end/],
      [
        { parallelUploads: 3, parallelUploadBoundaries: [{ start: 0, end: 3001 }] },
        RangeError,
        /3.*1 range/,
      ],
      [{ parallelUploads: 2, metadataForPartialUploads: 'x' }, TypeError, /metadataForPartial/],
      [{ parallelUploads: 2, stopAt: 10 }, TypeError, /stopAt.*parallelUploads/],
    ];
    for (const [extra, type, pattern] of bad) {
      await assert.rejects(
        client.uploadFile({ input: data, ...extra }),
        (error: unknown) => error instanceof type && pattern.test((error as Error).message),
        JSON.stringify(extra),
      );
    }
    assert.equal(transport.requests.length, 0);
  });

  it('a stream input is a TusInputError before any request', async () => {
    const { transport, client } = setup();
    const stream = new Blob([data]).stream();
    await assert.rejects(
      client.uploadFile({ input: stream, uploadSize: data.length, parallelUploads: 2 }),
      (error: unknown) => error instanceof TusInputError && /read forward/.test(error.message),
    );
    assert.equal(transport.requests.length, 0);
  });

  it('a server without concatenation: TusExtensionUnsupportedError, no upload request', async () => {
    const { transport, client } = setup({ extensions: ['creation', 'termination'] });
    await assert.rejects(client.uploadFile({ input: data, parallelUploads: 2 }), (error) => {
      assert.ok(error instanceof TusExtensionUnsupportedError);
      assert.equal(error.code, 'TUS_ERR_EXTENSION_UNSUPPORTED');
      assert.equal(error.extension, 'concatenation');
      assert.deepEqual(error.offered, ['creation', 'termination']);
      assert.match(error.message, /concatenation.*parallelUploads/);
      return true;
    });
    assert.deepEqual(transport.log, [`OPTIONS ${endpoint}`]);
  });

  it('progress is the sum over the partials; the last report has the final URL', async () => {
    const { client } = setup({}, 250);
    const seen: UploadStats[] = [];
    const url = await client.uploadFile({
      input: data,
      parallelUploads: 3,
      onProgress: (stats) => seen.push(stats),
    });
    assert.ok(seen.length > 3);
    for (const stats of seen) assert.equal(stats.totalBytes, data.length);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i]!.bytesUploaded >= seen[i - 1]!.bytesUploaded);
    }
    const last = seen.at(-1)!;
    assert.equal(last.bytesUploaded, data.length);
    assert.equal(last.uploadUrl, url);
    assert.equal(last.chunksCompleted, 5 + 4 + 4); // 1001 bytes in chunks of 250, then 1000 twice
    assert.equal(seen.at(-2)?.uploadUrl, undefined);
  });

  it('a partial failing with a non-retryable status: the upload rejects once every partial stopped, with its error as cause', async () => {
    let rejected = false;
    let afterRejection = 0;
    const hanging: string[] = [];
    const { transport, client } = setup({
      faults: (request) => {
        if (rejected) afterRejection++;
        if (request.method !== 'PATCH') return undefined;
        const path = new URL(request.url).pathname;
        if (path === '/files/u2' && request.headers['Upload-Offset'] === '400') {
          return { status: 403, body: 'forbidden here' };
        }
        // The others hang on their second chunk until they are aborted.
        if (path !== '/files/u2' && request.headers['Upload-Offset'] !== '0') {
          hanging.push(path);
          return new Promise<never>(() => {}) as never;
        }
        return undefined;
      },
    });
    const error = await client
      .uploadFile({ input: data, parallelUploads: 3 })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
      .finally(() => {
        rejected = true;
      });
    assert.ok(error instanceof TusUploadFailed, String(error));
    assert.equal(error.status, 403);
    assert.match(error.message, /partial 2 of 3 \(bytes 1001-2000\)/);
    assert.match(error.message, /forbidden here/);
    assert.ok(error.cause instanceof TusCommunicationError);
    assert.equal((error.cause as TusCommunicationError).status, 403);
    assert.deepEqual(hanging.sort(), ['/files/u1', '/files/u3']);
    // The hanging requests were aborted (their signals fired), and nothing else was sent.
    for (const request of transport.requests.filter((r) => r.method === 'PATCH')) {
      if (request.headers['Upload-Offset'] === '400' && !request.url.endsWith('/u2')) {
        assert.equal(request.signal?.aborted, true);
      }
    }
    const count = transport.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(transport.requests.length, count);
    assert.equal(afterRejection, 0);
    assert.equal(
      transport.requests.filter((r) => r.headers['Upload-Concat']?.startsWith('final')).length,
      0,
    );
  });

  it('abort stops every partial: TusAbortError, no request afterwards', async () => {
    const controller = new AbortController();
    let patches = 0;
    const { transport, client } = setup(
      {
        faults: (request) => {
          if (request.method === 'PATCH' && ++patches === 4) controller.abort(new Error('stop'));
          return undefined;
        },
      },
      100,
    );
    await assert.rejects(
      client.uploadFile({ input: data, parallelUploads: 3, signal: controller.signal }),
      (error: unknown) =>
        error instanceof TusAbortError && /parallel upload aborted/.test(error.message),
    );
    const count = transport.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(transport.requests.length, count);
    assert.equal(
      transport.requests.filter((r) => r.headers['Upload-Concat']?.startsWith('final')).length,
      0,
    );
  });

  it('a server that advertises concatenation but answers 501 to Upload-Concat: a typed error, no fallback', async () => {
    const { transport, client } = setup({
      faults: (request) =>
        request.headers['Upload-Concat'] !== undefined
          ? { status: 501, body: 'concatenation is not implemented' }
          : undefined,
    });
    await assert.rejects(client.uploadFile({ input: data, parallelUploads: 2 }), (error) => {
      assert.ok(error instanceof TusUploadFailed);
      assert.equal(error.status, 501);
      assert.match(error.message, /parallel upload failed: partial [12] of 2/);
      assert.match(error.message, /not implemented/);
      return true;
    });
    // Never an upload without Upload-Concat (no silent fallback to one plain upload).
    const posts = transport.requests.filter((r) => r.method === 'POST');
    assert.ok(posts.length >= 2);
    for (const post of posts) assert.equal(post.headers['Upload-Concat'], 'partial');
    assert.equal(transport.requests.filter((r) => r.method === 'PATCH').length, 0);
  });

  it('a partial PATCH failing with a 500 is retried in that partial only', async () => {
    let failed = false;
    const { tus, client } = setup({
      faults: (request) => {
        if (!failed && request.method === 'PATCH' && request.url.endsWith('/u3')) {
          failed = true;
          return { status: 500 };
        }
        return undefined;
      },
    });
    const url = await client.uploadFile({ input: data, parallelUploads: 3 });
    assert.ok(failed);
    assert.deepEqual(tus.bytes(url), data);
  });
});

describe('createPartialUpload and createFinalUpload', () => {
  it('two partials made one by one, then their final upload', async () => {
    const { tus, transport, client } = setup();
    const a = await client.createPartialUpload({
      input: data.slice(0, 1234),
      metadata: { n: '1' },
    });
    const b = await client.createPartialUpload({ input: data.slice(1234) });
    const url = await client.createFinalUpload([a, b], { metadata: { filename: 'x' } });
    assert.deepEqual(tus.bytes(url), data);
    const final = transport.requests.at(-1);
    assert.equal(final?.headers['Upload-Concat'], `final;${a} ${b}`);
    assert.equal(final?.headers['Upload-Metadata'], `filename ${btoa('x')}`);
    assert.equal(transport.requests.filter((r) => r.method === 'OPTIONS').length, 1);
  });

  it('an incomplete partial: the 400 is a typed error naming the partial', async () => {
    const { transport, client } = setup();
    const complete = await client.createPartialUpload({ input: data.slice(0, 10) });
    const uploader = client.createUploader({ input: data.slice(0, 500), chunkSize: 200 });
    // An upload that is not a partial, and not complete: the server refuses it too.
    await uploader.uploadChunk();
    await uploader.close();
    const incomplete = uploader.url!;
    await assert.rejects(client.createFinalUpload([complete, incomplete]), (error) => {
      assert.ok(error instanceof TusCommunicationError);
      assert.equal(error.status, 400);
      assert.match(error.message, /^POST http:\/\/tus\.test\/files: 400/);
      assert.ok(error.message.includes(`${incomplete} is incomplete (holds 200 of 500 bytes)`));
      assert.ok(!error.message.includes(`${complete} is`));
      return true;
    });
    assert.equal(transport.requests.filter((r) => r.method === 'HEAD').length, 2);
  });

  it('createFinalUpload checks its arguments; a server without concatenation is refused', async () => {
    const { client } = setup();
    await assert.rejects(client.createFinalUpload([]), TypeError);
    await assert.rejects(client.createFinalUpload('http://x/y' as never), TypeError);
    await assert.rejects(client.createFinalUpload(['not a url']), TypeError);
    await assert.rejects(
      client.createFinalUpload(['http://tus.test/files/u1'], { nope: 1 } as never),
      /unknown option "nope"/,
    );
    const other = setup({ extensions: ['creation'] });
    await assert.rejects(
      other.client.createFinalUpload(['http://tus.test/files/u1']),
      TusExtensionUnsupportedError,
    );
    await assert.rejects(
      other.client.createPartialUpload({ input: data }),
      TusExtensionUnsupportedError,
    );
    assert.deepEqual(other.transport.log, [`OPTIONS ${endpoint}`]);
  });
});
