#!/usr/bin/env node
// Writes the type entries of the `default` export condition (dist/index.d.ts,
// dist/tus-js-client.d.ts), for resolvers that pick neither `node` nor `browser` (such as
// TypeScript's moduleResolution "bundler"): every name of both platforms, so that a Node
// project and a browser project both type-check. A name of one platform imported in the
// other's build fails when bundling (no such export), not silently at run time.
import { writeFileSync } from 'node:fs';

const banner =
  "// Types for resolvers without the node or browser condition: both platforms' names.\n";
writeFileSync(
  'dist/index.d.ts',
  `${banner}export * from './index.node.js';\nexport { FileFingerprint, WebStorageUrlStorage, type WebStorageUrlStorageOptions, browserPlatform } from './index.browser.js';\n`,
);
writeFileSync('dist/tus-js-client.d.ts', `${banner}export * from './tus-js-client.node.js';\n`);
