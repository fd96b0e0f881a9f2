/**
 * Every package `npm ci` installs (dev dependencies included) supports the oldest release of
 * each Node line that our `engines` admits, so that `npm ci` on a supported Node prints no
 * `EBADENGINE` warning (issue 31: @uppy/core 6.3 pulled in nanoid 6, p-retry 8 and
 * @transloadit/prettier-bytes 2, which ask for Node 22).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';

type Version = [number, number, number];

function parse(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text
    .replace(/^v/, '')
    .split('.')
    .map((part) => (part === 'x' || part === '*' ? 0 : Number(part)));
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** One comparator of an npm range (`>=20.19.0`, `^22`, `20`, `<25`, `20.x`, `*`). */
function admitsOne(comparator: string, version: Version): boolean {
  const match = /^(>=|<=|>|<|\^|~|=)?\s*v?([\d.x*]+)$/.exec(comparator);
  if (match === null) throw new Error(`unexpected engines comparator ${comparator}`);
  const [, op = '', text = ''] = match;
  if (text === '*' || text === 'x') return true;
  const bound = parse(text);
  const parts = text.split('.').filter((part) => part !== 'x' && part !== '*').length;
  const order = compare(version, bound);
  switch (op) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '^':
      return order >= 0 && version[0] === bound[0];
    case '~':
      return order >= 0 && version[0] === bound[0] && (parts < 2 || version[1] === bound[1]);
    default:
      // `20`, `20.19` or `20.19.0`: those parts equal.
      return version.slice(0, parts).every((part, i) => part === bound[i]);
  }
}

/** Whether npm range `range` (`a b || c`) admits `version`. */
function rangeAdmits(range: string, version: string): boolean {
  const v = parse(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter((comparator) => comparator !== '')
      .every((comparator) => admitsOne(comparator, v)),
  );
}

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

describe('the Node versions the package and its dev dependencies accept', () => {
  it('rangeAdmits reads the ranges the lock file holds', () => {
    assert.equal(rangeAdmits('>=20', '20.19.0'), true);
    assert.equal(rangeAdmits('^22 || ^24 || >=26', '20.19.0'), false);
    assert.equal(rangeAdmits('^22 || ^24 || >=26', '24.0.0'), true);
    assert.equal(rangeAdmits('^20.12||^22||>=24', '20.19.0'), true);
    assert.equal(rangeAdmits('18 || 20 || >=22', '20.19.0'), true);
    assert.equal(rangeAdmits('18 || 20 || >=22', '21.0.0'), false);
    assert.equal(rangeAdmits('>= 16.17', '20.19.0'), true);
    assert.equal(rangeAdmits('>=20.19.0', '20.18.1'), false);
  });

  it('every locked package supports the oldest release of each Node line engines admits', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { engines: { node: string } };
    const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const floors = pkg.engines.node.split('||').map((part) => part.trim().replace(/^[\^>=~]+/, ''));
    assert.ok(floors.length >= 4, `engines names the supported lines: ${pkg.engines.node}`);
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (path === '' || range === undefined) continue;
      for (const floor of floors) {
        if (!rangeAdmits(range, floor))
          refused.push(`${path}@${entry.version}: ${range} (${floor})`);
      }
    }
    assert.deepEqual(refused, [], 'pin a version that supports these Node versions, or override');
  });

  it('engines admits the Node lines that npm test runs (20, 22, 24, 26)', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { engines: { node: string } };
    for (const version of ['20.20.2', '22.23.5', '24.22.3', '26.12.1', process.versions.node]) {
      assert.ok(rangeAdmits(pkg.engines.node, version), `${pkg.engines.node} admits ${version}`);
    }
  });
});
