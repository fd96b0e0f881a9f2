import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TusInputError, TusProtocolError } from '../../../src/errors/index.js';
import {
  decodeMetadata,
  encodeMetadata,
  fromBase64,
  type MetadataEncoding,
  normalizeEncoding,
  toBase64,
} from '../../../src/protocol/metadata.js';

const key = fc.stringMatching(/^[\x21-\x2b\x2d-\x7e]{1,12}$/);

describe('Upload-Metadata', () => {
  it('round-trips any keys and utf-8 values', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: 'grapheme' })), (metadata) => {
        const header = encodeMetadata(metadata);
        assert.deepEqual(decodeMetadata(header), { ...metadata });
      }),
    );
  });

  for (const [encoding, unit] of [
    ['latin1', fc.integer({ min: 0, max: 0xff })],
    ['ascii', fc.integer({ min: 0, max: 0x7f })],
    ['utf-16le', fc.integer({ min: 0, max: 0xffff })],
  ] as const) {
    it(`round-trips ${encoding} values`, () => {
      const value = fc.array(unit, { maxLength: 30 }).map((codes) => String.fromCharCode(...codes));
      fc.assert(
        fc.property(fc.dictionary(key, value), (metadata) => {
          const header = encodeMetadata(metadata, encoding as MetadataEncoding);
          assert.deepEqual(decodeMetadata(header, encoding as MetadataEncoding), {
            ...metadata,
          });
        }),
      );
    });
  }

  it('encodes known values exactly (interoperable with other clients)', () => {
    assert.equal(
      encodeMetadata({ filename: 'world_domination_plan.pdf', is_confidential: '' }),
      'filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential',
    );
    assert.equal(encodeMetadata({ n: 'é' }), 'n w6k=');
    assert.equal(encodeMetadata({ n: 'é' }, 'latin1'), 'n 6Q==');
    assert.equal(encodeMetadata({ n: 'é' }, 'utf-16le'), 'n 6QA=');
    assert.equal(encodeMetadata({}), undefined);
  });

  it('rejects bad keys and non-string values before anything is sent', () => {
    for (const bad of ['', 'a b', 'a,b', 'ключ', 'tab\t']) {
      assert.throws(() => encodeMetadata({ [bad]: 'x' }), TusInputError, bad);
    }
    assert.throws(() => encodeMetadata({ n: 42 }), /must be a string/);
    assert.throws(() => encodeMetadata({ n: 'é' }, 'ascii'), /ascii cannot encode/);
    assert.throws(() => encodeMetadata({ n: '€' }, 'latin1'), /U\+20AC/);
  });

  it('rejects malformed headers with a TusProtocolError', () => {
    for (const bad of ['a b c', 'a !!!!', 'a YQ', 'a YQ==,a Yg==', ' ,x', 'k\u00e9 YQ==']) {
      assert.throws(() => decodeMetadata(bad), TusProtocolError, bad);
    }
    assert.deepEqual(decodeMetadata(undefined), {});
    assert.deepEqual(decodeMetadata('a YQ==, b'), { a: 'a', b: '' });
  });

  it('base64 round-trips bytes and refuses garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
        assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
      }),
    );
    for (const bad of ['a', 'ab=', 'a===', 'ab cd', '@@@@'])
      assert.equal(fromBase64(bad), undefined);
  });

  it('normalizes encoding names', () => {
    assert.equal(normalizeEncoding('UTF8'), 'utf-8');
    assert.equal(normalizeEncoding('ISO-8859-1'), 'latin1');
    assert.equal(normalizeEncoding('koi8-r'), undefined);
  });
});

describe('Upload-Metadata special keys', () => {
  it('keeps __proto__ and constructor as ordinary keys', () => {
    const decoded = decodeMetadata('__proto__ eA==,constructor eQ==');
    assert.deepEqual(Object.keys(decoded), ['__proto__', 'constructor']);
    assert.equal(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value, 'x');
    assert.equal(decoded.constructor, 'y');
  });
});
