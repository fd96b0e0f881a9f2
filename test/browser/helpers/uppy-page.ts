/**
 * The Uppy page (fixtures/uppy/page.js): the real @uppy/core and @uppy/tus bundled by
 * esbuild with `tus-js-client` aliased to the built `resumable-upload/tus-js-client`
 * (dist/tus-js-client.browser.js), as docs/tus-js-client.md tells users to.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './browser-env.js';

/** The page's files for `startStaticServer`: the HTML and the bundled script. */
export async function uppyPageFiles(): Promise<Record<string, [string, string]>> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>uppy</title><link rel="icon" href="data:,">' +
    '<script type="module" src="/page.js"></script>';
  return {
    '/': ['text/html; charset=utf-8', html],
    '/page.js': ['text/javascript', await bundlePage()],
  };
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(repoRoot, 'test', 'browser', 'fixtures', 'uppy', 'page.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    alias: { 'tus-js-client': join(repoRoot, 'dist', 'tus-js-client.browser.js') },
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(
    !inputs.some((path) => path.includes('node_modules/tus-js-client/')),
    'the real tus-js-client reached the bundle',
  );
  assert.ok(inputs.some((path) => path.endsWith('dist/tus-js-client.browser.js')));
  return result.outputFiles[0]!.text;
}
