/** A Blob as an upload source: reads that fail are tried again, then are a typed error. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TusInputError } from '../../../src/errors/index.js';
import { BlobSource } from '../../../src/sources/blob-source.js';

const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);

/** A Blob whose slices fail their first `failures` copying reads (and cannot be streamed). */
function flakyBlob(failures: number): { blob: Blob; attempts: () => number } {
  let attempts = 0;
  const real = new Blob([bytes]);
  const flaky = (inner: Blob): Blob =>
    ({
      size: inner.size,
      slice: (start?: number, end?: number) => flaky(inner.slice(start, end)),
      stream: () => {
        throw new TypeError('no streams here');
      },
      arrayBuffer: async () => {
        attempts++;
        if (attempts <= failures) {
          throw new DOMException('The requested file could not be read', 'NotReadableError');
        }
        return inner.arrayBuffer();
      },
    }) as unknown as Blob;
  return { blob: flaky(real), attempts: () => attempts };
}

describe('BlobSource', () => {
  it('a read that fails twice, then succeeds, gives the right bytes', async () => {
    const { blob, attempts } = flakyBlob(2);
    const source = new BlobSource(blob);
    const got = await source.readInto(1000, new Uint8Array(2000));
    assert.deepEqual([...got], [...bytes.subarray(1000, 3000)]);
    assert.equal(attempts(), 3);
  });

  it('a read that keeps failing is a TusInputError saying where, the browser error its cause', async () => {
    const { blob, attempts } = flakyBlob(Number.POSITIVE_INFINITY);
    const source = new BlobSource(blob);
    const error = await source.read(4096, 100).catch((e: unknown) => e);
    assert.ok(error instanceof TusInputError, String(error));
    assert.equal(error.code, 'TUS_ERR_INPUT');
    assert.match(error.message, /100 bytes at 4096, 3 attempts\): NotReadableError/);
    assert.ok(error.cause instanceof DOMException);
    assert.equal(attempts(), 3);
  });
});
