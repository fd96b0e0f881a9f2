/**
 * The draft's fields built and parsed (src/protocol/ietf): Upload-Limit per interop
 * version, the digest fields of RFC 9530, problem documents, Content-Disposition, and the
 * per-version rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DRAFT_PROTOCOLS,
  digestAlgorithmOf,
  draftProtocolOf,
  formatContentDisposition,
  formatDigestField,
  formatProblem,
  formatUploadLimit,
  formatWantDigest,
  INTEROP_VERSIONS,
  interopRules,
  isDraftProtocol,
  isInteropVersion,
  PROBLEM_TYPES,
  parseDigestField,
  parseDispositionFilename,
  parseProblem,
  parseUploadLimit,
  parseWantDigest,
  sameDigest,
} from '../../../src/protocol/ietf/index.js';

describe('Upload-Limit', () => {
  it('reads the five limits, the lifetime under the version’s key', () => {
    const text = 'max-size=1000, min-size=0, max-append-size=100, min-append-size=10, max-age=60';
    assert.deepEqual(parseUploadLimit(text, 'max-age'), {
      maxSize: 1000,
      minSize: 0,
      maxAppendSize: 100,
      minAppendSize: 10,
      maxAge: 60,
    });
    assert.deepEqual(parseUploadLimit('expires=30, max-age=60', 'expires'), { maxAge: 30 });
  });

  it('ignores unknown keys, and the whole field when a known key is not an Integer', () => {
    assert.deepEqual(parseUploadLimit('max-size=5, future="x", other=(1 2)', 'max-age'), {
      maxSize: 5,
    });
    for (const bad of ['max-size="5"', 'max-size=5.0', 'max-size=-1', 'max-size=(5)', 'max-size']) {
      assert.equal(parseUploadLimit(bad, 'max-age'), undefined, bad);
    }
    assert.equal(parseUploadLimit('max-size=5,', 'max-age'), undefined);
    assert.equal(parseUploadLimit(undefined, 'max-age'), undefined);
  });

  it('formats what it parses, and min-size=0 when there is no limit', () => {
    assert.equal(formatUploadLimit({}, 'max-age'), 'min-size=0');
    assert.equal(
      formatUploadLimit({ maxSize: Number.POSITIVE_INFINITY, minSize: 1e15, maxAge: 5 }, 'expires'),
      'expires=5',
    );
    const limit = fc.option(fc.integer({ min: 0, max: 999_999_999_999_999 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({ maxSize: limit, minSize: limit, maxAppendSize: limit, maxAge: limit }),
        fc.constantFrom('expires' as const, 'max-age' as const),
        (limits, key) => {
          const parsed = parseUploadLimit(formatUploadLimit(limits, key), key);
          const expected = Object.fromEntries(
            Object.entries(limits).filter(([, value]) => value !== undefined),
          );
          assert.deepEqual(parsed, Object.keys(expected).length === 0 ? { minSize: 0 } : expected);
        },
      ),
    );
  });
});

describe('digest fields (RFC 9530)', () => {
  const bytes = (...values: number[]) => new Uint8Array(values);

  it('Content-Digest: known algorithms kept, unknown dropped, round trip exact', () => {
    const text = formatDigestField([
      ['sha-256', bytes(1, 2, 3)],
      ['md5', bytes(255)],
    ]);
    assert.equal(text, 'sha-256=:AQID:, md5=:/w==:');
    const parsed = parseDigestField(`${text}, crc32c=:AAAAAA==:`);
    assert.deepEqual(
      [...(parsed ?? [])],
      [
        ['sha-256', bytes(1, 2, 3)],
        ['md5', bytes(255)],
      ],
    );
    assert.deepEqual([...(parseDigestField('unixsum=:AA==:') ?? ['x'])], []);
  });

  it('a member that is not a Byte Sequence, or a broken dictionary, is malformed', () => {
    for (const bad of ['sha-256=abc', 'sha-256="AQID"', 'sha-256=:AQID', 'sha-256=:A*:', ',']) {
      assert.equal(parseDigestField(bad), undefined, bad);
    }
  });

  it('Want-Repr-Digest: best first, weight 0 and unknown left out, 0..10 only', () => {
    assert.deepEqual(parseWantDigest('sha-512=3, sha-256=10, md5=0, crc32c=10'), [
      'sha-256',
      'sha-512',
    ]);
    assert.deepEqual(parseWantDigest('md5=5, sha=5, sha-256=5'), ['sha-256', 'sha', 'md5']);
    assert.equal(parseWantDigest('sha-256=11'), undefined);
    assert.equal(parseWantDigest('sha-256=:AA==:'), undefined);
    assert.deepEqual(parseWantDigest(formatWantDigest(['sha-512', 'sha-256'])), [
      'sha-512',
      'sha-256',
    ]);
  });

  it('maps the checksum option onto RFC 9530 keys and compares digests by bytes', () => {
    assert.equal(digestAlgorithmOf('sha256'), 'sha-256');
    assert.equal(digestAlgorithmOf('sha512'), 'sha-512');
    assert.equal(digestAlgorithmOf('sha1'), 'sha');
    assert.equal(digestAlgorithmOf('md5'), 'md5');
    assert.ok(sameDigest(bytes(1, 2), bytes(1, 2)));
    assert.ok(!sameDigest(bytes(1, 2), bytes(1, 3)));
    assert.ok(!sameDigest(bytes(1), bytes(1, 0)));
  });
});

describe('problem documents (RFC 9457)', () => {
  it('mismatching-upload-offset carries both offsets and parses back', () => {
    const body = formatProblem('mismatchingOffset', 'send from 100', {
      expected: 100,
      provided: 200,
    });
    const problem = parseProblem('application/problem+json; charset=utf-8', body);
    assert.deepEqual(problem, {
      type: 'https://iana.org/assignments/http-problem-types#mismatching-upload-offset',
      title: 'offset from request does not match offset of resource',
      detail: 'send from 100',
      expectedOffset: 100,
      providedOffset: 200,
    });
  });

  it('every draft type is an IANA problem type URI; non-problems are undefined', () => {
    for (const type of Object.values(PROBLEM_TYPES)) {
      assert.match(type, /^https:\/\/iana\.org\/assignments\/http-problem-types#[a-z-]+$/);
    }
    assert.equal(parseProblem('text/plain', '{"type":"x"}'), undefined);
    assert.equal(parseProblem('application/problem+json', 'not json'), undefined);
    assert.equal(parseProblem('application/problem+json', '[1]'), undefined);
    assert.equal(parseProblem(undefined, '{}'), undefined);
    assert.deepEqual(parseProblem('application/problem+json', '{"expected-offset":-1}'), {
      type: 'about:blank',
      title: undefined,
      detail: undefined,
      expectedOffset: undefined,
      providedOffset: undefined,
    });
  });
});

describe('Content-Disposition', () => {
  it('names an ASCII file plainly and any other with filename*', () => {
    assert.equal(formatContentDisposition('a b.txt'), 'inline; filename="a b.txt"');
    assert.equal(
      formatContentDisposition('é"x.txt'),
      `inline; filename="__x.txt"; filename*=UTF-8''%C3%A9%22x.txt`,
    );
  });

  it('reads back every name it writes, filename* first', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }), (name) => {
        assert.equal(parseDispositionFilename(formatContentDisposition(name)), name);
      }),
    );
    assert.equal(
      parseDispositionFilename(
        `inline; filename="file name.jpg"; filename*=UTF-8''file%20name.jpg`,
      ),
      'file name.jpg',
    );
    assert.equal(parseDispositionFilename('attachment; filename=plain.bin'), 'plain.bin');
    assert.equal(parseDispositionFilename(`inline; filename*=ISO-8859-1''%E9t%E9`), 'été');
    assert.equal(parseDispositionFilename('inline; filename="a\\"b"'), 'a"b');
    assert.equal(parseDispositionFilename('inline'), undefined);
    assert.equal(parseDispositionFilename(undefined), undefined);
  });
});

describe('interop versions as data', () => {
  it('the client’s draft values send the interop version of the draft they name: 5, 6, 8, 9', () => {
    assert.deepEqual(DRAFT_PROTOCOLS, {
      'ietf-draft-03': 5,
      'ietf-draft-05': 6,
      'ietf-draft-11': 8,
      'ietf-draft-12': 9,
    });
    assert.equal(draftProtocolOf(9), 'ietf-draft-12');
    assert.equal(draftProtocolOf(7), undefined);
    assert.ok(isDraftProtocol('ietf-draft-12'));
    assert.ok(!isDraftProtocol('tus-v1'));
    assert.ok(!isDraftProtocol('toString'));
  });

  it('each version’s rules are its own, as the drafts say', () => {
    assert.deepEqual(INTEROP_VERSIONS, [5, 6, 7, 8, 9]);
    assert.ok(isInteropVersion(7));
    assert.ok(!isInteropVersion(10));
    const [v5, v6, v7, v8, v9] = INTEROP_VERSIONS.map(interopRules);
    assert.ok(v5 && v6 && v7 && v8 && v9);
    // -12 removed the completed-upload problem type and made an answer's ?1 final.
    assert.deepEqual(v9.problemTypes, ['mismatchingOffset', 'inconsistentLength']);
    assert.ok(v8.problemTypes.includes('completedUpload'));
    assert.deepEqual(
      [v5, v6, v7, v8, v9].map((r) => r.completeAnswerIsFinal),
      [false, false, false, false, true],
    );
    assert.equal(v5.appendContentType, undefined);
    assert.equal(v6.appendContentType, 'application/partial-upload');
    assert.equal(v5.lifetimeKey, undefined);
    assert.equal(v6.lifetimeKey, 'expires');
    assert.equal(v7.lifetimeKey, 'max-age');
    assert.deepEqual(
      [v5, v6, v7, v8].map((r) => r.appendStatus),
      [201, 201, 204, 204],
    );
    assert.deepEqual(v5.problemTypes, []);
    assert.ok(!v6.problemTypes.includes('inconsistentLength'));
    assert.ok(v8.problemTypes.includes('mismatchingOffset'));
    assert.deepEqual(v6.forbiddenOnHeadAndDelete, [
      'Upload-Offset',
      'Upload-Complete',
      'Upload-Length',
    ]);
    assert.deepEqual(v8.forbiddenOnHeadAndDelete, []);
    for (const rules of [v5, v6, v7, v8, v9]) assert.equal(interopRules(rules.version), rules);
  });
});
