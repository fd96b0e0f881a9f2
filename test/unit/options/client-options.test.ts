import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TusClient } from '../../../src/index.node.js';
import { DEFAULTS, validateClientOptions } from '../../../src/options.js';

const endpoint = 'http://127.0.0.1:1/files';

describe('TusClient options', () => {
  it('fills in the documented defaults', () => {
    const o = validateClientOptions({});
    assert.equal(o.chunkSize, DEFAULTS.chunkSize);
    assert.equal(o.checksum, true);
    assert.equal(o.verifyTlsCert, true);
    assert.equal(o.metadataEncoding, 'utf-8');
    assert.equal(o.maxRetries, 3);
    assert.equal(o.retryDelay, 1000);
    assert.equal(o.timeout, 30_000);
    assert.deepEqual(o.headers, {});
    assert.equal(o.uploadDataDuringCreation, false);
  });

  it('floors any chunkSize ≥ 1 and keeps Infinity', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 2 ** 40, noNaN: true }), (size) => {
        assert.equal(validateClientOptions({ chunkSize: size }).chunkSize, Math.floor(size));
      }),
    );
    assert.equal(validateClientOptions({ chunkSize: Infinity }).chunkSize, Infinity);
  });

  const rejected: [
    string,
    Record<string, unknown>,
    typeof TypeError | typeof RangeError,
    RegExp,
  ][] = [
    ['chunkSize 0', { chunkSize: 0 }, RangeError, /chunkSize .*got 0/],
    ['chunkSize -5', { chunkSize: -5 }, RangeError, /chunkSize .*got -5/],
    ['chunkSize 0.5', { chunkSize: 0.5 }, RangeError, /chunkSize/],
    ['chunkSize NaN', { chunkSize: Number.NaN }, TypeError, /chunkSize must be 'auto' or a number/],
    ['chunkSize "1MiB"', { chunkSize: '1MiB' }, TypeError, /chunkSize must be 'auto' or a number/],
    ['maxChunkSize 0', { maxChunkSize: 0 }, RangeError, /maxChunkSize must be at least 1 byte/],
    ['maxChunkSize "big"', { maxChunkSize: 'big' }, TypeError, /maxChunkSize must be a number/],
    ['requestTimeout 0', { requestTimeout: 0 }, RangeError, /requestTimeout must be more than 0/],
    [
      'maxBytesPerSecond 0',
      { maxBytesPerSecond: 0 },
      RangeError,
      /maxBytesPerSecond must be more than 0/,
    ],
    [
      'maxBytesPerSecond "1MiB"',
      { maxBytesPerSecond: '1MiB' },
      TypeError,
      /maxBytesPerSecond must be a number/,
    ],
    [
      'stallTimeout (folded into timeout)',
      { stallTimeout: 100 },
      TypeError,
      /unknown option "stallTimeout"/,
    ],
    ['checksum "crc32"', { checksum: 'crc32' }, RangeError, /checksum must be one of/],
    ['checksum 1', { checksum: 1 }, TypeError, /checksum/],
    ['verifyTlsCert "no"', { verifyTlsCert: 'no' }, TypeError, /verifyTlsCert/],
    ['metadataEncoding "klingon"', { metadataEncoding: 'klingon' }, RangeError, /klingon/],
    ['maxRetries -1', { maxRetries: -1 }, RangeError, /maxRetries/],
    ['maxRetries 1.5', { maxRetries: 1.5 }, RangeError, /maxRetries/],
    ['retryDelay -1', { retryDelay: -1 }, RangeError, /retryDelay/],
    ['timeout 0', { timeout: 0 }, RangeError, /timeout/],
    ['timeout "30s"', { timeout: '30s' }, TypeError, /timeout must be a number/],
    ['headers array', { headers: ['a'] }, TypeError, /headers/],
    ['header value number', { headers: { 'X-A': 1 } }, TypeError, /X-A/],
    ['header name with space', { headers: { 'X A': 'b' } }, TypeError, /not a header name/],
    ['header value with CRLF', { headers: { 'X-A': 'b\r\nEvil: 1' } }, TypeError, /CR, LF/],
    ['beforeRequest string', { beforeRequest: 'x' }, TypeError, /beforeRequest/],
    ['onShouldRetry number', { onShouldRetry: 3 }, TypeError, /onShouldRetry/],
    [
      'uploadDataDuringCreation "yes"',
      { uploadDataDuringCreation: 'yes' },
      TypeError,
      /uploadDataDuringCreation must be a boolean/,
    ],
    ['unknown key', { chunksize: 5 }, TypeError, /unknown option "chunksize"/],
  ];
  for (const [label, options, kind, message] of rejected) {
    it(`rejects ${label} in the constructor with a ${kind.name}`, () => {
      assert.throws(
        () => new TusClient(endpoint, options as never),
        (error: unknown) => error instanceof kind && message.test((error as Error).message),
      );
    });
  }

  it('never shows a header value in an error', () => {
    assert.throws(
      () => new TusClient(endpoint, { headers: { Authorization: 'Bearer s3cret\n' } }),
      (error: unknown) => !String((error as Error).message).includes('s3cret'),
    );
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    for (const bad of ['127.0.0.1:1080/files', 'ftp://host/files', '', 'files']) {
      assert.throws(() => new TusClient(bad), TypeError, bad);
    }
  });
});
