/**
 * The built browser bundle (dist/index.browser.js, made by `npm run build`) is
 * self-contained: no `node:` module, no `require`, no Node global; and its size is printed
 * (README "Browser" quotes it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundlePath, readBundle, repoRoot } from './helpers/browser-env.js';

describe('dist/index.browser.js', () => {
  const code = readBundle();

  it('imports nothing: no node: module, no bare import, no require', () => {
    assert.doesNotMatch(code, /\bnode:[a-z]/, 'a node: specifier reached the bundle');
    assert.doesNotMatch(code, /^\s*import\s/m, 'the bundle imports another module');
    assert.doesNotMatch(code, /\bimport\s*\(/, 'the bundle imports a module at run time');
    assert.doesNotMatch(code, /\brequire\s*\(/, 'the bundle calls require()');
  });

  it('uses no Node global (process, Buffer, __dirname)', () => {
    assert.doesNotMatch(code, /\bprocess\.(env|versions|platform|nextTick)\b/);
    assert.doesNotMatch(code, /\bBuffer\.(from|alloc|concat|isBuffer)\b/);
    assert.doesNotMatch(code, /\b__dirname\b|\b__filename\b/);
  });

  it('exports TusClient, the error classes and browserPlatform', () => {
    // The module's export list (a bundled dependency's license comment may follow it).
    const exported = [...code.matchAll(/^export\s*\{([^}]*)\}/gm)].at(-1)?.[1] ?? '';
    for (const name of ['TusClient', 'TusError', 'TusAbortError', 'browserPlatform']) {
      assert.match(exported, new RegExp(`\\b${name}\\b`), `${name} is not exported`);
    }
  });

  it('reports its size, as built and minified (README "Browser" quotes it)', async () => {
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const gzipped = gzipSync(code, { level: 9 }).byteLength;
    const minified = await build({
      entryPoints: [bundlePath],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const min = minified.outputFiles[0]!.contents;
    const minGzipped = gzipSync(min, { level: 9 }).byteLength;
    console.log(
      `${bundlePath}: ${kib(code.length)} (${kib(gzipped)} gzipped); minified ${kib(min.byteLength)} (${kib(minGzipped)} gzipped)`,
    );
    assert.ok(minGzipped > 1000 && minGzipped < gzipped);
  });

  it('compares its size with tus-js-client, both bundled by esbuild the same way (README "Browser")', () => {
    const out = execFileSync(process.execPath, ['scripts/bundle-size.mjs', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const rows = JSON.parse(out) as { name: string; minified: number; gzipped: number }[];
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    for (const r of rows)
      console.log(`${r.name}: ${kib(r.minified)} minified, ${kib(r.gzipped)} gzipped`);
    const [ours, face, theirs] = rows;
    assert.ok(ours !== undefined && face !== undefined && theirs !== undefined);
    // A budget, so that growth is a decision: the README states the numbers.
    assert.ok(ours.gzipped < 41 * 1024, `TusClient is ${kib(ours.gzipped)} gzipped, over 41 KiB`);
    assert.ok(face.gzipped > ours.gzipped, 'the tus-js-client face carries the whole core');
    assert.ok(theirs.gzipped > 10 * 1024, 'tus-js-client was not bundled');
  });
});
