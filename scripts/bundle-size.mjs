#!/usr/bin/env node
// Browser sizes compared like for like: each library bundled the same way by esbuild
// (ES module, browser conditions, every export kept, minified), then gzipped (level 9).
// Usage: node scripts/bundle-size.mjs [--json]   (after `npm run build`)
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** The bundle of `specifier` (everything it exports), minified, and its gzipped size. */
export async function measure(specifier) {
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: root },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

export const SUBJECTS = [
  ['resumable-upload (TusClient)', './dist/index.browser.js'],
  ['resumable-upload/tus-js-client', './dist/tus-js-client.browser.js'],
  ['tus-js-client 4', 'tus-js-client'],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const rows = [];
  for (const [name, specifier] of SUBJECTS) rows.push({ name, ...(await measure(specifier)) });
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else {
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(32)} ${kib(r.minified).padStart(10)} minified ${kib(r.gzipped).padStart(9)} gzipped`,
      );
    }
  }
}
