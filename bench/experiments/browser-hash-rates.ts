/**
 * Issue 20: what hashing a chunk costs a page, step by step (no upload): Blob reads by
 * `arrayBuffer()` and by a BYOB reader, SHA-1 by Web Crypto (one-shot), @noble/hashes
 * (JavaScript) and hash-wasm (WebAssembly), in 1 and 4 MiB pieces, in headless Chromium
 * launched with no DevTools client (bench/lib/chromium.ts).
 * `node --import tsx bench/experiments/browser-hash-rates.ts [--size-mib M] [--runs N]`
 * (not part of `npm test` nor of `npm run bench`; needs Chromium). Prints a Markdown table
 * of medians in MiB/s.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startBrowserSite } from '../lib/browser-site.js';
import { chromiumPath, runChromium } from '../lib/chromium.js';
import { fmt, median } from '../lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(here, '..', '..');

const { values } = parseArgs({
  options: { 'size-mib': { type: 'string' }, runs: { type: 'string' } },
});
const sizeMiB = Number(values['size-mib'] ?? 128);
const runs = Number(values.runs ?? 3);
const chromium = chromiumPath();
if (chromium === undefined) throw new Error('no Chromium at /usr/bin/chromium (set CHROME_PATH)');

const root = mkdtempSync(join(tmpdir(), 'hash-rates-'));
try {
  const pageDir = join(root, 'page');
  mkdirSync(pageDir);
  copyFileSync(join(here, 'browser-hash-rates.html'), join(pageDir, 'index.html'));
  copyFileSync(join(here, 'browser-hash-rates.js'), join(pageDir, 'page.js'));
  const hashes = join(root, 'hashes.js');
  await build({
    stdin: {
      contents:
        "export { sha1 as nobleSha1 } from '@noble/hashes/legacy';\nexport { createSHA1 } from 'hash-wasm';\n",
      resolveDir: repoDir,
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: hashes,
    logLevel: 'warning',
  });
  // The site serves /ours.js and /tus.js: the bundle of both hashes goes out as /ours.js
  const site = await startBrowserSite({ pageDir, ours: hashes, tusJs: hashes });
  const rates = new Map<string, number[]>();
  let userAgent = '';
  try {
    for (let run = 0; run < runs; run++) {
      const id = randomUUID();
      const plan = { id, mib: sizeMiB };
      const result = await runChromium(chromium, {
        url: `${site.origin}/?plan=${encodeURIComponent(JSON.stringify(plan))}`,
        result: site.resultOf(id),
        tempDir: root,
        timeoutMs: 120_000,
      });
      if (typeof result.error === 'string') throw new Error(`in the page: ${result.error}`);
      userAgent = String(result.userAgent);
      for (const [label, mibps] of result.rows as [string, number][]) {
        rates.set(label, [...(rates.get(label) ?? []), mibps]);
      }
    }
  } finally {
    await site.close();
  }
  console.log(`${sizeMiB} MiB per row, ${runs} runs, medians; ${userAgent}\n`);
  console.log('| step | MiB/s (median) | min–max |');
  console.log('|---|---:|---:|');
  for (const [label, values] of rates) {
    console.log(
      `| ${label} | ${fmt(median(values))} | ${fmt(Math.min(...values))}–${fmt(Math.max(...values))} |`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
