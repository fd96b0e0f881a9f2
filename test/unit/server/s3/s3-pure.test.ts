/** The pure parts of the S3 store: part sizes S3 takes, the record's checks, the options. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  basePartSize,
  MAX_OBJECT_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIB,
  MIN_PART_SIZE,
  partSizeOf,
  planCapacity,
} from '../../../../src/server/s3/part-plan.js';
import { resolveS3StoreOptions } from '../../../../src/server/s3/s3-options.js';
import {
  keysOf,
  parseS3Record,
  RECORD_VERSION,
  type S3Record,
} from '../../../../src/server/s3/s3-record.js';

const plan = { partSize: 8 * MIB, equalParts: false, maxUploadSize: MAX_OBJECT_SIZE };

describe('part plan', () => {
  it('a known length fits in 10,000 parts of at least 5 MiB, whole MiB', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_OBJECT_SIZE }), (length) => {
        const base = basePartSize(length, plan);
        assert.ok(base >= MIN_PART_SIZE && base <= MAX_PART_SIZE && base % MIB === 0);
        assert.ok(base * MAX_PARTS >= length);
      }),
    );
  });

  it('an unknown length grows its parts so that 10,000 hold the largest object', () => {
    for (const partSize of [MIN_PART_SIZE, 8 * MIB, 64 * MIB]) {
      const base = basePartSize(undefined, { ...plan, partSize });
      assert.ok(base >= partSize && base - partSize <= MIB);
      assert.ok(planCapacity(base, true) >= MAX_OBJECT_SIZE, `${base}`);
    }
    const base = basePartSize(undefined, plan);
    assert.equal(partSizeOf(1000, base, true), base);
    assert.equal(partSizeOf(1001, base, true), 2 * base);
  });

  it('equalParts with an unknown length sizes every part for maxUploadSize', () => {
    const options = { partSize: MIN_PART_SIZE, equalParts: true, maxUploadSize: 100 * 1024 * MIB };
    const base = basePartSize(undefined, options);
    assert.ok(base * MAX_PARTS >= options.maxUploadSize);
    assert.equal(partSizeOf(5000, base, false), base);
  });
});

describe('S3 record', () => {
  const id = 'ab'.repeat(16);
  const record: S3Record = {
    version: RECORD_VERSION,
    upload: { id, length: 20 * MIB, offset: 6 * MIB, metadata: '', createdAt: 1 },
    s3: {
      multipartId: 'm',
      partSize: 5 * MIB,
      growing: false,
      parts: [{ number: 1, size: 5 * MIB, etag: '"e"' }],
      tails: [
        { generation: 2, size: MIB / 2 },
        { generation: 3, size: MIB / 2 },
      ],
      nextGeneration: 4,
      finished: false,
    },
  };

  it('reads back what it wrote', () => {
    assert.deepEqual(parseS3Record(JSON.stringify(record), id), record);
  });

  it('refuses another id, broken JSON, and an offset its parts do not hold', () => {
    assert.equal(parseS3Record(JSON.stringify(record), 'cd'.repeat(16)), undefined);
    assert.equal(parseS3Record('{', id), undefined);
    const wrong = { ...record, upload: { ...record.upload, offset: 7 * MIB } };
    assert.equal(parseS3Record(JSON.stringify(wrong), id), undefined);
    const gap = {
      ...record,
      s3: { ...record.s3, parts: [{ number: 2, size: 5 * MIB, etag: 'e' }] },
    };
    assert.equal(parseS3Record(JSON.stringify(gap), id), undefined);
  });

  it('keys: object, record and generations of waiting bytes under the prefix', () => {
    const keys = keysOf('up/', id);
    assert.equal(keys.object, `up/${id}`);
    assert.equal(keys.info, `up/${id}.info`);
    assert.equal(keys.tail(2), `up/${id}.part.2`);
    assert.ok(keys.tail(2).startsWith(keys.tails));
  });
});

describe('s3Store options', () => {
  it('defaults: path style with an endpoint, 8 MiB parts, 3 attempts', () => {
    const options = resolveS3StoreOptions({ bucket: 'uploads', endpoint: 'http://127.0.0.1:9000' });
    assert.equal(options.forcePathStyle, true);
    assert.equal(options.partSize, 8 * MIB);
    assert.equal(options.maxAttempts, 3);
    assert.equal(options.prefix, '');
  });

  it('refuses at once what S3 cannot take, naming the option', () => {
    assert.throws(() => resolveS3StoreOptions({ bucket: 'Bad_Bucket' }), /bucket/);
    assert.throws(() => resolveS3StoreOptions({ bucket: 'ok-bucket', partSize: MIB }), /partSize/);
    assert.throws(() => resolveS3StoreOptions({ bucket: 'ok-bucket', prefix: '/x' }), /prefix/);
    assert.throws(
      () => resolveS3StoreOptions({ bucket: 'ok-bucket', endpoint: 'ftp://x' }),
      /endpoint/,
    );
    assert.throws(
      () => resolveS3StoreOptions({ bucket: 'ok-bucket', secretAccessKey: 'x' } as never),
      /no option/,
    );
  });
});
