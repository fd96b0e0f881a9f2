/**
 * The Node 22/24/26 binaries of devDependencies node22/node24/node26 each declare a bin named
 * `node`; npm links one as node_modules/.bin/node, and npm scripts would then run the whole
 * suite on it instead of the Node that runs npm (20, the oldest supported). `prepare`
 * (scripts/unlink-node-shims.mjs) removes that link after each install.
 */
import assert from 'node:assert/strict';
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

describe('the Node that npm scripts run', () => {
  it('is not one of the extra Node versions: no node_modules/.bin/node points into node2x', () => {
    const link = join('node_modules', '.bin', 'node');
    let target: string | undefined;
    try {
      target = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : 'a file';
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'ENOENT');
    }
    assert.ok(
      target === undefined || !/node2\d/.test(target),
      `${link} -> ${target}: npm scripts would run on that Node; run npm install again (prepare)`,
    );
  });
});
