import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileTypeOf } from '../../../src/cli/file-type.js';
import {
  parseChecksum,
  parseHeader,
  parseHttpUrl,
  parseMetadataPair,
} from '../../../src/cli/flag-values.js';

describe('cli flag values', () => {
  it('parses headers and keeps colons in the value', () => {
    assert.deepEqual(parseHeader('Authorization: Bearer a:b'), ['Authorization', 'Bearer a:b']);
    assert.deepEqual(parseHeader('X-Empty:'), ['X-Empty', '']);
  });
  it('rejects a header without a name or colon, without echoing the value', () => {
    assert.throws(() => parseHeader('no colon here'), /must look like 'Name: value'/);
    assert.throws(() => parseHeader(': value'), /must look like 'Name: value'/);
    assert.throws(() => parseHeader('Bad Name: x'), /must look like 'Name: value'/);
    assert.throws(
      () => parseHeader('Authorization Bearer s3cret'),
      (error: Error) => !error.message.includes('s3cret'),
    );
  });
  it('parses metadata pairs; the value may contain = and spaces', () => {
    assert.deepEqual(parseMetadataPair('name=a b=c'), ['name', 'a b=c']);
    assert.deepEqual(parseMetadataPair('empty='), ['empty', '']);
    assert.throws(() => parseMetadataPair('novalue'), /not key=value/);
    assert.throws(() => parseMetadataPair('=x'), /metadata key/);
    assert.throws(() => parseMetadataPair('a b=x'), /metadata key/);
    assert.throws(() => parseMetadataPair('a,b=x'), /metadata key/);
  });
  it('parses checksum choices', () => {
    assert.equal(parseChecksum('sha256'), 'sha256');
    assert.equal(parseChecksum('SHA1'), 'sha1');
    assert.equal(parseChecksum('off'), false);
    assert.equal(parseChecksum('on'), true);
    assert.throws(() => parseChecksum('crc32'), /'crc32' is not one of sha1, sha256/);
  });
  it('accepts only http(s) URLs', () => {
    assert.equal(parseHttpUrl('http://127.0.0.1:1080/files/'), 'http://127.0.0.1:1080/files/');
    assert.throws(() => parseHttpUrl('not a url'), /is not a URL/);
    assert.throws(() => parseHttpUrl('ftp://x/y'), /not an http/);
  });
  it('guesses a file type from the extension', () => {
    assert.equal(fileTypeOf('photo.JPG'), 'image/jpeg');
    assert.equal(fileTypeOf('dir/archive.tar'), 'application/x-tar');
    assert.equal(fileTypeOf('.bashrc'), 'application/octet-stream');
    assert.equal(fileTypeOf('noext'), 'application/octet-stream');
  });
});
