import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TusProtocolError } from '../../../src/errors/index.js';
import { buildChecksumHeader, parseChecksumHeader } from '../../../src/protocol/checksum.js';
import { buildConcatFinal, buildConcatPartial, parseConcat } from '../../../src/protocol/concat.js';
import { describeStatus } from '../../../src/protocol/constants.js';
import { parseIntegerHeader } from '../../../src/protocol/integers.js';
import { displayUrl, resolveLocation } from '../../../src/protocol/location.js';
import { parseServerInfo } from '../../../src/protocol/server-info.js';

describe('integer headers', () => {
  it('parse every safe non-negative integer exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
        assert.equal(parseIntegerHeader('Upload-Offset', String(n)), n);
      }),
    );
  });

  it('reject everything that is not digits only, naming the header and value', () => {
    for (const bad of [
      undefined,
      '',
      ' 1',
      '1 ',
      '-1',
      '+1',
      '1.0',
      '1e3',
      '0x10',
      'NaN',
      'abc',
      '9007199254740993',
    ]) {
      assert.throws(
        () => parseIntegerHeader('Upload-Offset', bad),
        (error: unknown) =>
          error instanceof TusProtocolError && /Upload-Offset/.test(error.message),
        String(bad),
      );
    }
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^[0-9]+$/.test(s)),
        (garbage) => {
          assert.throws(() => parseIntegerHeader('Upload-Length', garbage), TusProtocolError);
        },
      ),
    );
  });

  it('say where the bad value came from', () => {
    assert.throws(
      () =>
        parseIntegerHeader('Upload-Offset', 'x', {
          method: 'PATCH',
          url: 'http://h/f/1',
          status: 204,
        }),
      {
        message: 'PATCH http://h/f/1 (204): Upload-Offset is not a non-negative integer: "x"',
        status: 204,
      },
    );
  });
});

describe('Location', () => {
  it('resolves relative and absolute locations against the request URL', () => {
    assert.equal(resolveLocation('/files/a', 'http://h:1/files'), 'http://h:1/files/a');
    assert.equal(resolveLocation('a', 'http://h:1/files/'), 'http://h:1/files/a');
    assert.equal(resolveLocation('https://o/x', 'http://h/files'), 'https://o/x');
    assert.equal(resolveLocation('//cdn/x', 'https://h/files'), 'https://cdn/x');
  });

  it('rejects a missing or non-http location', () => {
    for (const bad of [
      undefined,
      '',
      '  ',
      'ftp://h/x',
      'javascript:alert(1)',
      'data:,x',
      'http://[bad',
    ]) {
      assert.throws(() => resolveLocation(bad, 'http://h/files'), TusProtocolError, String(bad));
    }
  });

  it('hides credentials in URLs shown to people', () => {
    assert.equal(displayUrl('http://user:pw@h/files'), 'http://h/files');
    assert.equal(displayUrl('http://h/files'), 'http://h/files');
  });
});

describe('OPTIONS → ServerInfo', () => {
  it('reads versions, extensions, max size and checksum algorithms', () => {
    assert.deepEqual(
      parseServerInfo({
        'tus-resumable': '1.0.0',
        'tus-version': '1.0.0, 0.2.2',
        'tus-extension': 'creation,termination, checksum',
        'tus-max-size': '1073741824',
        'tus-checksum-algorithm': 'SHA1,md5',
      }),
      {
        version: '1.0.0',
        versions: ['1.0.0', '0.2.2'],
        draftVersions: [],
        extensions: ['creation', 'termination', 'checksum'],
        maxSize: 1073741824,
        checksumAlgorithms: ['sha1', 'md5'],
      },
    );
    assert.deepEqual(parseServerInfo({}), {
      version: '1.0.0',
      versions: [],
      draftVersions: [],
      extensions: [],
      maxSize: undefined,
      checksumAlgorithms: [],
    });
    assert.throws(() => parseServerInfo({ 'tus-max-size': 'lots' }), TusProtocolError);
    // Our server's list of draft versions, else one echoed; newest first, junk left out.
    assert.deepEqual(
      parseServerInfo({ 'upload-draft-interop-versions': '8, 9, x, 5' }).draftVersions,
      [9, 8, 5],
    );
    assert.deepEqual(parseServerInfo({ 'upload-draft-interop-version': '9' }).draftVersions, [9]);
  });
});

describe('Upload-Checksum and Upload-Concat', () => {
  it('build and parse checksum headers', () => {
    assert.equal(
      buildChecksumHeader('sha1', 'Kq5sNclPz7QV2+lfQIuc6R7oRu0='),
      'sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=',
    );
    assert.deepEqual(parseChecksumHeader('SHA256 abc='), { algorithm: 'sha256', digest: 'abc=' });
    assert.equal(parseChecksumHeader('sha1'), undefined);
  });

  it('build and parse concat headers', () => {
    assert.equal(buildConcatPartial(), 'partial');
    const urls = ['http://h/files/a', '/files/b'];
    assert.equal(buildConcatFinal(urls), 'final;http://h/files/a /files/b');
    assert.deepEqual(parseConcat(buildConcatFinal(urls)), { type: 'final', urls });
    assert.deepEqual(parseConcat('partial'), { type: 'partial' });
    for (const bad of ['', 'final;', 'whole', 'final'])
      assert.throws(() => parseConcat(bad), TusProtocolError);
    assert.throws(() => buildConcatFinal([]), RangeError);
    assert.throws(() => buildConcatFinal(['a b']), RangeError);
  });

  it('describe statuses for messages', () => {
    assert.equal(describeStatus(409), '409 Conflict');
    assert.equal(describeStatus(460), '460 Checksum Mismatch');
    assert.equal(describeStatus(599), '599');
  });
});
