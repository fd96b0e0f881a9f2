/**
 * Property tests of every parser of server answers, fed hostile input: each returns a
 * well-formed value or throws a `TusProtocolError` (never another error, never `NaN`, never
 * a polluted prototype). Complements test/unit/protocol (round trips and known values).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TusProtocolError } from '../../src/errors/index.js';
import { buildChecksumHeader, parseChecksumHeader } from '../../src/protocol/checksum.js';
import { parseConcat } from '../../src/protocol/concat.js';
import { parseIntegerHeader } from '../../src/protocol/integers.js';
import { resolveLocation } from '../../src/protocol/location.js';
import { decodeMetadata } from '../../src/protocol/metadata.js';
import { parseServerInfo } from '../../src/protocol/server-info.js';
import { MAX_RETRY_DELAY, parseRetryAfter, retryDelayFor } from '../../src/upload/retry-policy.js';

/** Strings a hostile server might send: any text, header-ish pieces, long runs. */
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        ' ',
        ',',
        ';',
        '=',
        '0',
        '9',
        '-',
        'a',
        'Z',
        '/',
        '+',
        ':',
        'final;',
        'partial',
        'http://',
        '\t',
        'é',
        '\u0000',
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join('')),
  fc.string({ minLength: 1, maxLength: 3 }).map((s) => s.repeat(5000)),
);

/** Runs `parse`; anything thrown must be a `TusProtocolError`. */
function parsedOrProtocolError<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    assert.ok(error instanceof TusProtocolError, `threw ${String(error)}`);
    assert.equal(error.code, 'TUS_ERR_PROTOCOL');
    return undefined;
  }
}

describe('parsers under hostile input', () => {
  it('integer headers: a safe non-negative integer or a TusProtocolError', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const n = parsedOrProtocolError(() => parseIntegerHeader('Upload-Offset', value));
        if (n !== undefined) {
          assert.ok(Number.isSafeInteger(n) && n >= 0);
          assert.match(value, /^[0-9]+$/);
        }
      }),
    );
  });

  it('Upload-Metadata: string values under own keys, or a TusProtocolError', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const decoded = parsedOrProtocolError(() => decodeMetadata(value));
        if (decoded === undefined) return;
        for (const key of Object.keys(decoded)) {
          assert.ok(key !== '' && !/[\s,]/.test(key), JSON.stringify(key));
          assert.equal(typeof Object.getOwnPropertyDescriptor(decoded, key)?.value, 'string');
        }
      }),
    );
    const decoded = decodeMetadata('__proto__ eyJ4IjoxfQ==,constructor eA==');
    assert.equal(({} as Record<string, unknown>).x, undefined, 'no prototype pollution');
    assert.equal(Object.getPrototypeOf(decoded), Object.getPrototypeOf({}));
  });

  it('Upload-Concat: partial, final with URLs without spaces, or a TusProtocolError', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const concat = parsedOrProtocolError(() => parseConcat(value));
        if (concat?.type === 'final') {
          assert.ok(concat.urls.length > 0);
          for (const url of concat.urls) assert.ok(url !== '' && !url.includes(' '));
        }
      }),
    );
  });

  it('Upload-Checksum: a lower-case algorithm and a base64 digest, or undefined', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const parsed = parseChecksumHeader(value);
        if (parsed === undefined) return;
        assert.match(parsed.algorithm, /^[a-z0-9-]+$/);
        assert.match(parsed.digest, /^[A-Za-z0-9+/]+={0,2}$/);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (digest) => {
        const base64 = Buffer.from(digest).toString('base64');
        assert.deepEqual(parseChecksumHeader(buildChecksumHeader('sha256', base64)), {
          algorithm: 'sha256',
          digest: base64,
        });
      }),
    );
  });

  it('Location: an absolute http(s) URL or a TusProtocolError', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.webUrl(), fc.webPath()), (value) => {
        const url = parsedOrProtocolError(() => resolveLocation(value, 'http://127.0.0.1:1/files'));
        if (url !== undefined) assert.match(new URL(url).protocol, /^https?:$/);
      }),
    );
  });

  it('OPTIONS headers: trimmed lists and a safe Tus-Max-Size, or a TusProtocolError', () => {
    const names = fc.constantFrom(
      'tus-version',
      'tus-resumable',
      'tus-extension',
      'tus-max-size',
      'tus-checksum-algorithm',
    );
    fc.assert(
      fc.property(fc.dictionary(names, hostile), (headers) => {
        const info = parsedOrProtocolError(() => parseServerInfo(headers));
        if (info === undefined) return;
        assert.equal(typeof info.version, 'string');
        for (const list of [info.versions, info.extensions, info.checksumAlgorithms]) {
          for (const item of list) assert.ok(item !== '' && item === item.trim());
        }
        assert.ok(info.maxSize === undefined || Number.isSafeInteger(info.maxSize));
      }),
    );
  });

  it('Retry-After: undefined or a wait of 0–60 s; every delay stays within 0–60 s', () => {
    // Found by this property: a 400-digit Retry-After was Infinity; retryDelay 0 at attempt
    // 1025 was NaN (0 · 2^1024).
    assert.equal(parseRetryAfter('1'.repeat(400)), MAX_RETRY_DELAY);
    assert.equal(retryDelayFor(1025, 0, undefined), 0);
    fc.assert(
      fc.property(
        fc.oneof(
          hostile,
          fc.nat().map(String),
          fc.date().map((d) => d.toUTCString()),
        ),
        (value) => {
          const ms = parseRetryAfter(value);
          if (ms !== undefined)
            assert.ok(ms >= 0 && ms <= MAX_RETRY_DELAY, `${value.slice(0, 40)} -> ${ms}`);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 1e15, noNaN: true }), { nil: undefined }),
        (attempt, retryDelay, retryAfter) => {
          const delay = retryDelayFor(attempt, retryDelay, retryAfter);
          assert.ok(Number.isFinite(delay) && delay >= 0 && delay <= MAX_RETRY_DELAY, `${delay}`);
        },
      ),
    );
  });
});
