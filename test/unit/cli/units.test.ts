import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatDuration,
  parseDuration,
  parseInteger,
  parseSize,
} from '../../../src/cli/units.js';

describe('cli parseSize', () => {
  const good: Array<[string, number]> = [
    ['0', 0],
    ['1048576', 1048576],
    ['512B', 512],
    ['1KB', 1000],
    ['1kb', 1000],
    ['1KiB', 1024],
    ['8MiB', 8 * 1024 * 1024],
    ['8mib', 8 * 1024 * 1024],
    ['8M', 8 * 1024 * 1024],
    ['1GB', 1_000_000_000],
    ['1GiB', 1024 ** 3],
    ['1.5MiB', 1.5 * 1024 * 1024],
    ['2 MB', 2_000_000],
    ['1TB', 1e12],
  ];
  for (const [text, bytes] of good) {
    it(`reads ${JSON.stringify(text)} as ${bytes}`, () => {
      assert.equal(parseSize(text), bytes);
    });
  }
  for (const text of ['', 'abc', '8XB', '-1', '1.5', '0.1KB1', 'MiB', '8 Mibs', '1e3']) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseSize(text), RangeError);
    });
  }
  it('names the value in the message', () => {
    assert.throws(() => parseSize('8XB'), /'8XB' is not a size/);
  });
});

describe('cli parseDuration', () => {
  const good: Array<[string, number]> = [
    ['30', 30_000],
    ['1.5', 1500],
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s', 3_723_000],
    ['0.5s', 500],
    ['10S', 10_000],
  ];
  for (const [text, ms] of good) {
    it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => {
      assert.equal(parseDuration(text), ms);
    });
  }
  for (const text of ['', 's', 'abc', '30x', '-5s', '1m 30s', '30s2', '1d']) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseDuration(text), RangeError);
    });
  }
});

describe('cli parseInteger', () => {
  it('reads whole numbers in range', () => {
    assert.equal(parseInteger('3', 0), 3);
    assert.equal(parseInteger('64', 1, 64), 64);
  });
  it('rejects fractions, signs, words and out-of-range values', () => {
    assert.throws(() => parseInteger('1.5', 0), /not a whole number/);
    assert.throws(() => parseInteger('-1', 0), /not a whole number/);
    assert.throws(() => parseInteger('two', 0), /not a whole number/);
    assert.throws(() => parseInteger('0', 1, 64), /out of range \(1 to 64\)/);
    assert.throws(() => parseInteger('65', 1, 64), /out of range/);
  });
});

describe('cli formatBytes / formatDuration', () => {
  it('formats sizes in binary units', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64.0 MiB');
    assert.equal(formatBytes(undefined), '?');
  });
  it('formats durations', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(59_400), '59s');
    assert.equal(formatDuration(65_000), '1m05s');
    assert.equal(formatDuration(3_723_000), '1h02m');
    assert.equal(formatDuration(undefined), '?');
  });
});
