/** The upload state machine over a scripted transport: retries, 409, 460, offsets, hooks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TusChecksumUnsupportedError,
  TusCommunicationError,
  TusExtensionUnsupportedError,
  TusInputError,
  TusNetworkError,
  TusProtocolError,
  TusUploadFailed,
} from '../../../src/errors/index.js';
import type { RecordedRequest as HttpRequest } from '../../helpers/fake-transport.js';
import {
  type FakeAnswer,
  FakeTransport,
  fakeClient,
  memoryTus,
} from '../../helpers/fake-transport.js';

const data = Uint8Array.from({ length: 2500 }, (_, i) => (i * 7) % 256);

function stored(uploads: ReturnType<typeof memoryTus>['uploads'], url: string): Uint8Array {
  return Uint8Array.from(uploads.get(new URL(url).pathname)?.data ?? []);
}

function failPatches(which: number[], answer: () => FakeAnswer) {
  let patches = 0;
  return (request: HttpRequest): FakeAnswer | undefined => {
    if (request.method !== 'PATCH') return undefined;
    patches++;
    return which.includes(patches) ? answer() : undefined;
  };
}

describe('Uploader over a fake transport', () => {
  it('creates, then PATCHes chunk by chunk with Tus-Resumable and the right headers', async () => {
    const tus = memoryTus();
    const transport = new FakeTransport(tus.handler);
    const client = fakeClient(transport, {
      chunkSize: 1000,
      checksum: false,
      headers: { 'X-A': '1' },
    });
    const url = await client.uploadFile({ input: data, metadata: { name: 'a b' } });
    assert.equal(url, 'http://tus.test/files/u1');
    assert.deepEqual(stored(tus.uploads, url), data);
    assert.deepEqual(transport.log, [
      'POST http://tus.test/files',
      'PATCH http://tus.test/files/u1',
      'PATCH http://tus.test/files/u1',
      'PATCH http://tus.test/files/u1',
    ]);
    for (const request of transport.requests) {
      assert.equal(request.headers['Tus-Resumable'], '1.0.0');
      assert.equal(request.headers['X-A'], '1');
    }
    const [post, p1, , p3] = transport.requests;
    assert.equal(post?.headers['Upload-Length'], '2500');
    assert.equal(post?.headers['Upload-Metadata'], `name ${btoa('a b')}`);
    assert.equal(p1?.headers['Content-Type'], 'application/offset+octet-stream');
    assert.equal(p3?.headers['Upload-Offset'], '2000');
    assert.equal(p3?.body?.byteLength, 500);
  });

  it('resolves a relative Location against the endpoint', async () => {
    const transport = new FakeTransport((request) =>
      request.method === 'POST'
        ? { status: 201, headers: { Location: '../up/x?y=1' } }
        : { status: 204, headers: { 'Upload-Offset': '0' } },
    );
    const client = fakeClient(transport, { checksum: false }, 'http://tus.test/api/files');
    assert.equal(await client.uploadFile({ input: new Uint8Array(0) }), 'http://tus.test/up/x?y=1');
  });

  it('a Location that is not http(s) is a TusProtocolError', async () => {
    const transport = new FakeTransport(() => ({
      status: 201,
      headers: { Location: 'ftp://x/y' },
    }));
    const client = fakeClient(transport, { checksum: false });
    await assert.rejects(client.uploadFile({ input: data }), TusProtocolError);
  });

  for (const status of [500, 502, 503, 423, 429, 460]) {
    it(`${status} is retried and the upload completes`, async () => {
      const tus = memoryTus({ faults: failPatches([2], () => ({ status })) });
      const transport = new FakeTransport(tus.handler);
      const client = fakeClient(transport, { chunkSize: 1000, checksum: false, retryDelay: 0 });
      const uploader = client.createUploader({ input: data, maxRetries: 1 });
      const url = await uploader.upload();
      assert.deepEqual(stored(tus.uploads, url), data);
      assert.equal(uploader.stats.retries, 1);
      assert.equal(uploader.stats.bytesResent, 1000);
      // The retry asks the server where it is before resending.
      assert.deepEqual(
        transport.requests.map((r) => r.method),
        ['POST', 'PATCH', 'PATCH', 'HEAD', 'PATCH', 'PATCH'],
      );
    });
  }

  for (const status of [400, 403, 404, 410, 413]) {
    it(`${status} fails fast with a TusCommunicationError`, async () => {
      const tus = memoryTus({ faults: failPatches([1], () => ({ status, body: 'no' })) });
      const transport = new FakeTransport(tus.handler);
      // A fixed chunk size stays fixed: even a 413 is final (chunkSize 'auto' shrinks instead).
      const client = fakeClient(transport, {
        chunkSize: 1000,
        checksum: false,
        retryDelay: 0,
        maxRetries: 5,
      });
      const error = await client.uploadFile({ input: data }).catch((e: unknown) => e);
      assert.ok(error instanceof TusCommunicationError);
      assert.ok(!(error instanceof TusUploadFailed));
      assert.equal(error.status, status);
      assert.equal(error.responseBody, 'no');
      assert.equal(transport.requests.filter((r) => r.method === 'PATCH').length, 1);
    });
  }

  it('network errors are retried; the attempt count resets once a chunk moves', async () => {
    // Every chunk fails once: with maxRetries 1 that only works if the count resets.
    let patches = 0;
    const tus = memoryTus({
      faults: (request) => {
        if (request.method !== 'PATCH') return undefined;
        patches++;
        if (patches % 2 === 1) throw new TusNetworkError('PATCH x: ECONNRESET');
        return undefined;
      },
    });
    const transport = new FakeTransport(tus.handler);
    const client = fakeClient(transport, { chunkSize: 1000, checksum: false, retryDelay: 0 });
    const uploader = client.createUploader({ input: data, maxRetries: 1 });
    const url = await uploader.upload();
    assert.deepEqual(stored(tus.uploads, url), data);
    assert.equal(uploader.stats.retries, 3);
  });

  it('a partial write before a network error: HEAD resync resends only the rest', async () => {
    const tus = memoryTus();
    let failed = false;
    const transport = new FakeTransport((request, index) => {
      if (request.method === 'PATCH' && !failed) {
        failed = true;
        // The server got 300 bytes of the chunk, then the connection broke.
        tus.handler({ ...request, body: request.body?.subarray(0, 300) }, index);
        throw new TusNetworkError('PATCH x: socket hang up');
      }
      return tus.handler(request, index);
    });
    const client = fakeClient(transport, { chunkSize: 1000, checksum: false, retryDelay: 0 });
    const url = await client.uploadFile({ input: data });
    assert.deepEqual(stored(tus.uploads, url), data);
    const patchOffsets = transport.requests
      .filter((r) => r.method === 'PATCH')
      .map((r) => r.headers['Upload-Offset']);
    assert.deepEqual(patchOffsets, ['0', '300', '1300', '2300']);
  });

  it('409 repeating at the same offset gives up (bounded), not a loop', async () => {
    const tus = memoryTus({ faults: (r) => (r.method === 'PATCH' ? { status: 409 } : undefined) });
    const transport = new FakeTransport(tus.handler);
    const client = fakeClient(transport, { checksum: false, retryDelay: 0, maxRetries: 2 });
    await assert.rejects(client.uploadFile({ input: data }), TusUploadFailed);
    assert.ok(transport.requests.length < 20);
  });

  it('a 460 with checksums on, then success: the digest is sent each time', async () => {
    const tus = memoryTus({
      checksums: ['sha1', 'md5'],
      faults: failPatches([1], () => ({ status: 460 })),
    });
    const transport = new FakeTransport(tus.handler);
    const client = fakeClient(transport, { chunkSize: 1000, checksum: 'md5', retryDelay: 0 });
    const uploader = client.createUploader({ input: data, maxRetries: 1 });
    await uploader.upload();
    assert.equal(uploader.stats.checksumAlgorithm, 'md5');
    for (const r of transport.requests.filter((q) => q.method === 'PATCH')) {
      assert.match(r.headers['Upload-Checksum'] ?? '', /^md5 [A-Za-z0-9+/]{22}==$/);
    }
  });

  it('checksum: true prefers sha1; an explicit unsupported one names what is offered', async () => {
    const tus = memoryTus({ checksums: ['md5', 'sha1'] });
    const client = fakeClient(new FakeTransport(tus.handler));
    const uploader = client.createUploader({ input: data });
    await uploader.upload();
    assert.equal(uploader.stats.checksumAlgorithm, 'sha1');
    const other = fakeClient(new FakeTransport(tus.handler), { checksum: 'sha512' });
    const error = await other.uploadFile({ input: data }).catch((e: unknown) => e);
    assert.ok(error instanceof TusChecksumUnsupportedError);
    assert.deepEqual(error.offered, ['md5', 'sha1']);
    assert.match(error.message, /sha512.*offers only md5, sha1/);
  });

  for (const [label, answer] of [
    ['backwards', '500'],
    ['past what was sent', '2500'],
    ['unchanged', '1000'],
    ['with a sign', '+2000'],
  ] as const) {
    it(`a PATCH offset that is ${label} is a TusProtocolError, not a loop`, async () => {
      const tus = memoryTus({
        faults: (r) =>
          r.method === 'PATCH' && r.headers['Upload-Offset'] === '1000'
            ? { status: 204, headers: { 'Upload-Offset': answer } }
            : undefined,
      });
      const transport = new FakeTransport(tus.handler);
      const client = fakeClient(transport, { chunkSize: 1000, checksum: false, maxRetries: 3 });
      await assert.rejects(client.uploadFile({ input: data }), TusProtocolError);
      assert.equal(transport.requests.filter((r) => r.method === 'PATCH').length, 2);
    });
  }

  it('a server that confirms bytes, then forgets them, ends in a bounded failure', async () => {
    const tus = memoryTus({
      faults: (r) =>
        r.method === 'PATCH' && r.headers['Upload-Offset'] === '1000'
          ? { status: 204, headers: { 'Upload-Offset': '1500' } }
          : undefined,
    });
    const transport = new FakeTransport(tus.handler);
    const client = fakeClient(transport, {
      chunkSize: 1000,
      checksum: false,
      maxRetries: 3,
      retryDelay: 0,
    });
    await assert.rejects(client.uploadFile({ input: data }), TusUploadFailed);
    assert.ok(transport.requests.length < 30, `${transport.requests.length} requests`);
  });

  it('hooks see every request and response; afterResponse gets the status', async () => {
    const tus = memoryTus();
    const seen: string[] = [];
    const client = fakeClient(new FakeTransport(tus.handler), {
      checksum: false,
      chunkSize: 2000,
      beforeRequest: (method, _url, headers) => {
        headers['X-Trace'] = 'on';
        seen.push(`> ${method}`);
      },
      afterResponse: (method, _url, status) => {
        seen.push(`< ${method} ${status}`);
      },
    });
    await client.uploadFile({ input: data });
    assert.deepEqual(seen, [
      '> POST',
      '< POST 201',
      '> PATCH',
      '< PATCH 204',
      '> PATCH',
      '< PATCH 204',
    ]);
  });

  it('afterResponse gets the response headers, body and the request headers beforeRequest saw', async () => {
    const tus = memoryTus();
    const sent = new Set<Record<string, string>>();
    const answers: string[] = [];
    const client = fakeClient(new FakeTransport(tus.handler), {
      checksum: false,
      chunkSize: 2000,
      beforeRequest: (_method, _url, headers) => {
        sent.add(headers);
      },
      afterResponse: (method, _url, status, response) => {
        assert.ok(sent.has(response.requestHeaders as Record<string, string>), 'another object');
        const offset = response.headers['upload-offset'];
        answers.push(`${method} ${status} ${response.headers.location ?? offset}`);
        assert.equal(typeof response.body, 'string');
      },
    });
    await client.uploadFile({ input: data });
    assert.deepEqual(answers, ['POST 201 /files/u1', 'PATCH 204 2000', 'PATCH 204 2500']);
  });

  it('a stream without uploadSize, server without creation-defer-length: a clear error before any upload request', async () => {
    const transport = new FakeTransport(memoryTus().handler);
    const client = fakeClient(transport, { checksum: false });
    const stream = new Blob([data]).stream();
    await assert.rejects(client.uploadFile({ input: stream }), (error: unknown) => {
      assert.ok(error instanceof TusExtensionUnsupportedError);
      assert.equal(error.extension, 'creation-defer-length');
      assert.match(error.message, /uploadSize/);
      return true;
    });
    assert.deepEqual(transport.log, ['OPTIONS http://tus.test/files']);
  });

  it('a bad metadata key is a TusInputError before any request', () => {
    const transport = new FakeTransport(memoryTus().handler);
    const client = fakeClient(transport, { checksum: false });
    for (const key of ['', 'a b', 'a,b', 'é']) {
      assert.throws(
        () => client.createUploader({ input: data, metadata: { [key]: 'v' } }),
        TusInputError,
      );
    }
    assert.equal(transport.requests.length, 0);
  });

  it('an abort during the retry wait ends at once with the abort error', async () => {
    const tus = memoryTus({ faults: failPatches([1], () => ({ status: 503 })) });
    const controller = new AbortController();
    const client = fakeClient(new FakeTransport(tus.handler), {
      checksum: false,
      retryDelay: 3_600_000,
      onShouldRetry: () => {
        setImmediate(() => controller.abort());
        return true;
      },
    });
    await assert.rejects(client.uploadFile({ input: data, signal: controller.signal }), {
      code: 'TUS_ERR_ABORTED',
      offset: 0,
    });
  });
});
