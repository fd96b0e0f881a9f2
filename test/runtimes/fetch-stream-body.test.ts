/**
 * Issue 31, item 4: the fetch transport sends a streamed body as a `ReadableStream` where
 * fetch streams request bodies over HTTP/1.1 (Node here; workerd, Deno and Bun alike), so a
 * large chunk is never gathered whole into one array before `fetch`. Real fetch, our real
 * server; the pieces reuse three buffers as the chunk pipeline's do, so the bytes stored
 * also show each piece was taken before its buffer came round again.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { FetchTransport, streamsBodies } from '../../src/transport/fetch-transport.js';
import type { StreamedBody } from '../../src/transport/http-transport.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { create } from '../helpers/raw-http.js';
import { sha256 } from './runtime-process.js';

const PIECE = 64 * 1024;

/** `pieces` pieces of a pattern, written into three buffers in turn; counts pieces made. */
function ringBody(pieces: number): { body: StreamedBody; made: () => number; bytes: Uint8Array } {
  const bytes = new Uint8Array(pieces * PIECE);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >>> 16)) & 255;
  let made = 0;
  return {
    bytes,
    made: () => made,
    body: {
      length: bytes.length,
      async *pieces() {
        const ring = [0, 1, 2].map(() => new Uint8Array(PIECE));
        for (let n = 0; n < pieces; n++) {
          const buffer = ring[n % 3]!;
          buffer.set(bytes.subarray(n * PIECE, (n + 1) * PIECE));
          made += 1;
          yield buffer;
        }
      },
    },
  };
}

describe('fetch transport: streamed bodies', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer();
  });
  after(() => server.close());

  it('Node’s fetch is known to take request streams (duplex: half)', () => {
    assert.equal(streamsBodies(), true);
  });

  it('a streamed PATCH goes as a stream, not gathered before fetch: bytes equal', async () => {
    const count = 64; // 4 MiB
    const { body, made, bytes } = ringBody(count);
    let madeAtFetch = -1;
    let sentStream = false;
    const transport = new FetchTransport({ verifyTlsCert: true }, (input, init) => {
      madeAtFetch = made();
      sentStream = init.body instanceof ReadableStream;
      return fetch(input, init);
    });
    const url = await create(server.endpoint, { 'Upload-Length': String(bytes.length) });
    const response = await transport.request({
      method: 'PATCH',
      url,
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body,
      timeout: 30_000,
    });
    assert.equal(response.status, 204, response.body);
    assert.equal(response.headers['upload-offset'], String(bytes.length));
    assert.equal(sentStream, true, 'fetch was handed a ReadableStream');
    assert.ok(madeAtFetch < count, `${madeAtFetch} of ${count} pieces were made before fetch`);
    assert.equal(made(), count);
    assert.equal(sha256(await readFile(server.dataPath(url))), sha256(bytes));
  });
});
