/** Server options: defaults, and every rejected type or range names the option. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVER_DEFAULTS } from '../../../src/server/index.js';
import {
  checkMetadataHeader,
  parseChecksumValue,
  parseConcatHeader,
} from '../../../src/server/request-headers.js';
import { resolveServerOptions } from '../../../src/server/server-options.js';
import { TusServerRequestError } from '../../../src/server/upload-record.js';

describe('resolveServerOptions', () => {
  it('fills every default', () => {
    const resolved = resolveServerOptions({ directory: '/tmp/x' });
    assert.equal(resolved.path, SERVER_DEFAULTS.path);
    assert.equal(resolved.maxSize, Number.POSITIVE_INFINITY);
    assert.equal(resolved.maxMetadataSize, 4096);
    assert.equal(resolved.expireAfterMs, 86_400_000);
    assert.equal(resolved.fsync, true);
    assert.deepEqual(resolved.allowedOrigins, [], 'no cross-origin access unless configured');
    assert.equal(resolved.publicUrl, undefined);
    assert.equal(resolved.trustProxy, false);
    assert.equal(resolved.maxConcatParts, 100);
    assert.equal(resolved.expireCompletedAfterMs, Number.POSITIVE_INFINITY);
    assert.equal(resolved.recordCacheSize, 1000);
    assert.equal(resolved.bodyIdleTimeoutMs, 10_000);
    assert.equal(resolved.lockWaitMs, 5000);
    assert.equal(resolveServerOptions({ directory: 'd', path: '/up/' }).path, '/up');
    const publicUrl = 'https://uploads.example/base/files/';
    assert.equal(
      resolveServerOptions({ directory: 'd', publicUrl }).publicUrl,
      'https://uploads.example/base/files',
    );
    const origins = ['https://app.example', 'http://127.0.0.1:8080', 'null'];
    assert.deepEqual(
      resolveServerOptions({ directory: 'd', allowedOrigins: origins }).allowedOrigins,
      origins,
    );
  });

  const bad: [object, typeof TypeError | typeof RangeError, RegExp][] = [
    [{}, TypeError, /directory/],
    [{ directory: 'd', path: 'files' }, TypeError, /path/],
    [{ directory: 'd', maxSize: -1 }, RangeError, /maxSize/],
    [{ directory: 'd', maxChunkSize: 0 }, RangeError, /maxChunkSize/],
    [{ directory: 'd', maxSize: '5' }, TypeError, /maxSize/],
    [{ directory: 'd', expireAfterMs: 1.5 }, RangeError, /expireAfterMs/],
    [{ directory: 'd', fsync: 'yes' }, TypeError, /fsync/],
    [{ directory: 'd', allowedOrigins: 5 }, TypeError, /allowedOrigins/],
    [{ directory: 'd', allowedOrigins: ['https://app.example/'] }, TypeError, /allowedOrigins/],
    [{ directory: 'd', allowedOrigins: ['app.example'] }, TypeError, /allowedOrigins/],
    [{ directory: 'd', publicUrl: 'ftp://x/files' }, TypeError, /publicUrl/],
    [{ directory: 'd', publicUrl: 'https://u:p@x/files' }, TypeError, /publicUrl/],
    [{ directory: 'd', publicUrl: 'https://x/files?a=1' }, TypeError, /publicUrl/],
    [{ directory: 'd', trustProxy: 1 }, TypeError, /trustProxy/],
    [{ directory: 'd', maxConcatParts: 0 }, RangeError, /maxConcatParts/],
    [{ directory: 'd', maxConcatParts: Number.POSITIVE_INFINITY }, RangeError, /maxConcatParts/],
    [{ directory: 'd', recordCacheSize: -1 }, RangeError, /recordCacheSize/],
    [{ directory: 'd', expireCompletedAfterMs: 0 }, RangeError, /expireCompletedAfterMs/],
    [{ directory: 'd', bodyIdleTimeoutMs: 0 }, RangeError, /bodyIdleTimeoutMs/],
    [{ directory: 'd', lockWaitMs: -5 }, RangeError, /lockWaitMs/],
    [{ directory: 'd', fileSystem: { open() {} } }, TypeError, /fileSystem/],
    [{ directory: 'd', allowCredentials: 'yes' }, TypeError, /allowCredentials must be a boolean/],
    [
      { directory: 'd', allowCredentials: true },
      RangeError,
      /allowCredentials needs allowedOrigins/,
    ],
    [{ directory: 'd', onUploadCreate: 'x' }, TypeError, /onUploadCreate/],
    [{ directory: 'd', maxsize: 5 }, TypeError, /unknown server option "maxsize"/],
  ];
  for (const [options, type, message] of bad) {
    it(`rejects ${JSON.stringify(options)}`, () => {
      assert.throws(
        () => resolveServerOptions(options as never),
        (error: unknown) => {
          assert.ok(error instanceof type);
          assert.match((error as Error).message, message);
          return true;
        },
      );
    });
  }
});

describe('server request headers', () => {
  const status = (fn: () => unknown): number | undefined => {
    try {
      fn();
    } catch (error) {
      if (error instanceof TusServerRequestError) return error.status;
      throw error;
    }
    return undefined;
  };

  it('Upload-Checksum: known algorithms parse, others are 400', () => {
    assert.deepEqual(parseChecksumValue('SHA256 AAAA'), { algorithm: 'sha256', digest: 'AAAA' });
    assert.equal(
      status(() => parseChecksumValue('crc32 AAAA')),
      400,
    );
    assert.equal(
      status(() => parseChecksumValue('sha1')),
      400,
    );
  });

  it('Upload-Concat: partial, final with urls, anything else 400', () => {
    assert.deepEqual(parseConcatHeader({ 'upload-concat': 'partial' }), { type: 'partial' });
    assert.deepEqual(parseConcatHeader({ 'upload-concat': 'final;/a /b' }), {
      type: 'final',
      urls: ['/a', '/b'],
    });
    assert.equal(parseConcatHeader({}), undefined);
    assert.equal(
      status(() => parseConcatHeader({ 'upload-concat': 'final;' })),
      400,
    );
    assert.equal(
      status(() => parseConcatHeader({ 'upload-concat': 'whole' })),
      400,
    );
  });

  it('Upload-Metadata: valid pairs pass, each kind of damage is 400', () => {
    assert.equal(checkMetadataHeader({ 'upload-metadata': 'a YQ==,b' }, 100), 'a YQ==,b');
    assert.equal(checkMetadataHeader({}, 100), '');
    for (const value of ['a YQ', 'a YQ==,a Yg==', 'a b c', ' ,', 'a YQ==,']) {
      assert.equal(
        status(() => checkMetadataHeader({ 'upload-metadata': value }, 100)),
        400,
        value,
      );
    }
    assert.equal(
      status(() => checkMetadataHeader({ 'upload-metadata': 'a YQ==' }, 3)),
      400,
    );
  });
});
