/**
 * Our structured-field parser (src/protocol/ietf/structured-fields.ts) against the
 * `structured-headers` library as an oracle: on valid fields made by its serializer and on
 * random text, both accept and reject the same inputs and agree on every value. Dates are
 * left out of the comparison: structured-headers 2.1.0 rejects a Date followed by anything
 * (`@12 `, `@0;a=1`, both valid by RFC 9651 4.2.9), so they are checked by hand below.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as oracle from 'structured-headers';
import {
  type BareItem,
  type DictionaryMember,
  parseBooleanItem,
  parseDictionary,
  parseItem,
  parseNonNegativeIntegerItem,
  serializeBoolean,
  serializeByteSequence,
  serializeDictionary,
  serializeInteger,
} from '../../../src/protocol/ietf/structured-fields.js';

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };

function plainOurs(bare: BareItem): Plain {
  if (bare.kind === 'bytes') return { bytes: Buffer.from(bare.value).toString('hex') };
  if (bare.kind === 'integer' || bare.kind === 'decimal') return { number: bare.value };
  return { [bare.kind]: bare.value };
}

function plainTheirs(bare: oracle.BareItem): Plain {
  if (bare instanceof oracle.Token) return { token: bare.toString() };
  if (bare instanceof oracle.DisplayString) return { display: bare.toString() };
  if (bare instanceof Date) return { date: bare.getTime() / 1000 };
  if (bare instanceof ArrayBuffer) return { bytes: Buffer.from(bare).toString('hex') };
  if (typeof bare === 'number') return { number: bare };
  if (typeof bare === 'string') return { string: bare };
  if (typeof bare === 'boolean') return { boolean: bare };
  throw new Error(`unexpected oracle value ${String(bare)}`);
}

function plainParams(params: ReadonlyMap<string, BareItem>): Plain {
  return [...params].map(([key, value]) => [key, plainOurs(value)]);
}

function plainTheirParams(params: oracle.Parameters): Plain {
  return [...params].map(([key, value]) => [key, plainTheirs(value)]);
}

function plainMember(member: DictionaryMember): Plain {
  if ('inner' in member) {
    return { inner: member.inner.map(plainMember), params: plainParams(member.params) };
  }
  return { item: plainOurs(member.bare), params: plainParams(member.params) };
}

function plainTheirMember(member: oracle.Item | oracle.InnerList): Plain {
  const [value, params] = member;
  if (Array.isArray(value)) {
    return {
      inner: value.map((item) => plainTheirMember(item)),
      params: plainTheirParams(params),
    };
  }
  return { item: plainTheirs(value as oracle.BareItem), params: plainTheirParams(params) };
}

function theirs<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

function agreeOnDictionary(text: string): void {
  const ours = parseDictionary(text);
  const expected = theirs(() => oracle.parseDictionary(text));
  assert.equal(
    ours === undefined,
    expected === undefined,
    `accept/reject of ${JSON.stringify(text)}`,
  );
  if (ours === undefined || expected === undefined) return;
  assert.deepEqual(
    [...ours].map(([key, member]) => [key, plainMember(member)]),
    [...expected].map(([key, member]) => [key, plainTheirMember(member)]),
    JSON.stringify(text),
  );
}

function agreeOnItem(text: string): void {
  const ours = parseItem(text);
  const expected = theirs(() => oracle.parseItem(text));
  assert.equal(
    ours === undefined,
    expected === undefined,
    `accept/reject of ${JSON.stringify(text)}`,
  );
  if (ours === undefined || expected === undefined) return;
  assert.deepEqual(plainMember(ours), plainTheirMember(expected), JSON.stringify(text));
}

const key = fc.stringMatching(/^[a-z*][a-z0-9_\-.*]{0,6}$/);
const bareItem: fc.Arbitrary<oracle.BareItem> = fc.oneof(
  fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
  fc.integer({ min: -999_999, max: 999_999 }).map((n) => n / 1000),
  fc.stringMatching(/^[ -~]{0,12}$/),
  fc
    .stringMatching(/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]{0,8}$/)
    .map((t) => new oracle.Token(t)),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => bytes.buffer as ArrayBuffer),
  fc.boolean(),
  fc.string({ maxLength: 8 }).map((s) => new oracle.DisplayString(s)),
);
const params = fc.array(fc.tuple(key, bareItem), { maxLength: 3 }).map((pairs) => new Map(pairs));
const item = fc.tuple(bareItem, params) as fc.Arbitrary<oracle.Item>;
const innerList = fc.tuple(
  fc.array(item, { maxLength: 3 }),
  params,
) as fc.Arbitrary<oracle.InnerList>;
const dictionary = fc
  .array(fc.tuple(key, fc.oneof(item, innerList)), { maxLength: 5 })
  .map((pairs) => new Map(pairs));

/** Characters that matter to the grammar, so random text often gets deep into it. */
const noise = fc
  .array(
    fc.constantFrom(
      ...'az09=,;()":?%*-. \t!/+\\AZ_~\u00e9'.split(''),
      '?1',
      '?0',
      ':AQ==:',
      '"x"',
      '%"a%c3%a9"',
      '1.5',
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

describe('structured fields: parser agrees with structured-headers', () => {
  it('on dictionaries the oracle serialized', () => {
    fc.assert(
      fc.property(dictionary, (value) => {
        const text = theirs(() => oracle.serializeDictionary(value));
        fc.pre(text !== undefined);
        agreeOnDictionary(text);
        assert.notEqual(parseDictionary(text), undefined, text);
      }),
      { numRuns: 400 },
    );
  });

  it('on items the oracle serialized', () => {
    fc.assert(
      fc.property(item, (value) => {
        const text = theirs(() => oracle.serializeItem(value));
        fc.pre(text !== undefined);
        agreeOnItem(text);
        assert.notEqual(parseItem(text), undefined, text);
      }),
      { numRuns: 400 },
    );
  });

  it('on random text, accepting and rejecting the same', () => {
    fc.assert(
      fc.property(noise, (text) => {
        agreeOnDictionary(text);
        agreeOnItem(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('structured fields: dates (RFC 9651 4.2.9), by hand', () => {
  it('parse where a parameter, a space or a comma follows', () => {
    const member = parseDictionary('a=@12;b, c=@-5 , d=(@1 @2)');
    assert.ok(member !== undefined);
    assert.deepEqual(plainMember(member.get('a')!), {
      item: { date: 12 },
      params: [['b', { boolean: true }]],
    });
    assert.deepEqual(plainMember(member.get('c')!), { item: { date: -5 }, params: [] });
    assert.equal(parseItem('@12 ')?.bare.kind, 'date');
    for (const bad of ['@', '@1.5', '@a', '@-']) assert.equal(parseItem(bad), undefined, bad);
  });
});

describe('structured fields: the draft’s items', () => {
  it('Upload-Complete is a Boolean item; anything else is undefined', () => {
    assert.equal(parseBooleanItem('?1'), true);
    assert.equal(parseBooleanItem('?0'), false);
    assert.equal(parseBooleanItem(' ?1;foo=2'), true);
    for (const bad of [undefined, '', '1', 'true', '?2', '?1,?0', '"?1"', '?1 x']) {
      assert.equal(parseBooleanItem(bad), undefined, String(bad));
    }
  });

  it('Upload-Offset is a non-negative Integer item; decimals, negatives, 16 digits are not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999_999_999 }), (n) => {
        assert.equal(parseNonNegativeIntegerItem(serializeInteger(n)), n);
      }),
    );
    for (const bad of ['-1', '1.0', '1e3', '0x1', '1234567890123456', '', 'a', '1,2']) {
      assert.equal(parseNonNegativeIntegerItem(bad), undefined, bad);
    }
    assert.throws(() => serializeInteger(1e15), RangeError);
  });

  it('serializes what the draft sends, parsed back the same', () => {
    assert.equal(serializeBoolean(true), '?1');
    assert.equal(serializeBoolean(false), '?0');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        const member = parseDictionary(`sha-256=${serializeByteSequence(bytes)}`)?.get('sha-256');
        assert.ok(member !== undefined && 'bare' in member && member.bare.kind === 'bytes');
        assert.deepEqual(member.bare.value, bytes);
      }),
    );
    assert.equal(
      serializeDictionary([
        ['max-size', 100],
        ['sha', new Uint8Array([1, 2])],
      ]),
      'max-size=100, sha=:AQI=:',
    );
    assert.throws(() => serializeDictionary([['Bad', 1]]), RangeError);
  });
});
