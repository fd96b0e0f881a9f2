/** The client's draft messages (src/protocol/ietf/client-messages.ts), per interop version. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { TusProtocolError } from '../../../src/errors/index.js';
import {
  appendHeaders,
  creationHeaders,
  interimLocation,
  interopRules,
  readUploadState,
  versionHeaders,
} from '../../../src/protocol/ietf/index.js';

const v5 = interopRules(5);
const v6 = interopRules(6);
const v8 = interopRules(8);
const details = { method: 'HEAD', url: 'http://h/files/1' };

describe('draft requests built per interop version', () => {
  it('every request names its interop version', () => {
    assert.deepEqual(versionHeaders(v8), { 'Upload-Draft-Interop-Version': '8' });
  });

  it('creation: Upload-Complete, Upload-Length from 6 on, the file as Content-* fields', () => {
    const sha = createHash('sha256').update('x').digest();
    assert.deepEqual(
      creationHeaders(v8, {
        complete: false,
        length: 10,
        filename: 'a.txt',
        filetype: 'text/plain',
        reprDigest: new Map([['sha-256', new Uint8Array(sha)]]),
        wantReprDigest: ['sha-256'],
      }),
      {
        'Upload-Draft-Interop-Version': '8',
        'Upload-Complete': '?0',
        'Upload-Length': '10',
        'Content-Disposition': 'inline; filename="a.txt"',
        'Content-Type': 'text/plain',
        'Repr-Digest': `sha-256=:${sha.toString('base64')}:`,
        'Want-Repr-Digest': 'sha-256=10',
      },
    );
    assert.deepEqual(creationHeaders(v5, { complete: true, length: 10 }), {
      'Upload-Draft-Interop-Version': '5',
      'Upload-Complete': '?1',
    });
  });

  it('append: offset, completeness, the version’s media type, the chunk’s Content-Digest', () => {
    assert.deepEqual(
      appendHeaders(v6, {
        offset: 5,
        complete: true,
        length: 9,
        contentDigest: { algorithm: 'sha1', base64: 'AAAA' },
      }),
      {
        'Upload-Draft-Interop-Version': '6',
        'Upload-Offset': '5',
        'Upload-Complete': '?1',
        'Content-Type': 'application/partial-upload',
        'Upload-Length': '9',
        'Content-Digest': 'sha=:AAAA:',
      },
    );
    assert.deepEqual(appendHeaders(v5, { offset: 0, complete: false }), {
      'Upload-Draft-Interop-Version': '5',
      'Upload-Offset': '0',
      'Upload-Complete': '?0',
    });
  });
});

describe('draft answers read', () => {
  it('the upload state: offset, completeness, length, limits under the version’s key', () => {
    const headers = {
      'upload-offset': '25',
      'upload-complete': '?0',
      'upload-length': '100',
      'upload-limit': 'max-append-size=10, expires=5, max-age=7',
    };
    assert.deepEqual(readUploadState(v6, headers, details), {
      offset: 25,
      complete: false,
      length: 100,
      limits: { maxAppendSize: 10, maxAge: 5 },
    });
    assert.equal(readUploadState(v8, headers, details).limits?.maxAge, 7);
    assert.equal(readUploadState(v5, headers, details).limits, undefined);
    assert.deepEqual(readUploadState(v6, { 'upload-offset': '3' }, details), {
      offset: 3,
      complete: undefined,
      length: undefined,
      limits: undefined,
    });
  });

  it('a missing or malformed Upload-Offset is a TusProtocolError naming it', () => {
    for (const headers of [{}, { 'upload-offset': '1.5' }, { 'upload-offset': '-3' }]) {
      assert.throws(
        () => readUploadState(v8, headers, details),
        (error: unknown) =>
          error instanceof TusProtocolError &&
          /^HEAD http:\/\/h\/files\/1: .*Upload-Offset/.test(error.message),
      );
    }
  });

  it('a 104 counts only with this interop version and a Location', () => {
    const good = { 'upload-draft-interop-version': '8', location: '/files/abc' };
    assert.equal(interimLocation(v8, 104, good), '/files/abc');
    assert.equal(interimLocation(v6, 104, good), undefined);
    assert.equal(interimLocation(v8, 103, good), undefined);
    assert.equal(interimLocation(v8, 104, { location: '/files/abc' }), undefined);
    assert.equal(interimLocation(v8, 104, { 'upload-draft-interop-version': '8' }), undefined);
  });
});
