/**
 * The README's browser quick start, as written: its index.html and app.js, bundled by its
 * esbuild line against the package (a `node_modules/resumable-upload` that is this
 * repository, so `exports` picks the browser build), served on one origin, uploading a
 * picked file in Chromium to our server on another; the bytes the server kept are the
 * file's. The one change: the endpoint, since our server listens on port 0.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import {
  chromiumSkipReason,
  launchChromium,
  readBundle,
  repoRoot,
  type StaticServer,
  startStaticServer,
} from './helpers/browser-env.js';
import { makeBytes } from './helpers/bytes.js';

const skip = chromiumSkipReason();

/** The fenced blocks of the README's "## Browser" section: [language, text]. */
async function quickStart(): Promise<{ html: string; app: string; esbuild: string[] }> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Browser');
  assert.ok(start >= 0, 'README has a "## Browser" section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]);
  const html = blocks.find(([lang, text]) => lang === 'html' && text?.includes('index.html'));
  const app = blocks.find(([lang, text]) => lang === 'js' && text?.startsWith('// app.js'));
  const line = blocks
    .filter(([lang]) => lang === 'sh')
    .flatMap(([, text]) => text?.split('\n') ?? [])
    .find((l) => l.startsWith('npx esbuild '));
  assert.ok(html?.[1] && app?.[1] && line, 'index.html, app.js and an `npx esbuild` line');
  return { html: html[1], app: app[1], esbuild: line.split('#')[0]!.trim().split(/\s+/).slice(2) };
}

describe('the README browser quick start, as written', { skip, timeout: 120_000 }, () => {
  let dir: string;
  let ours: StartedOurServer;
  let site: StaticServer;
  let browser: Browser;

  before(async () => {
    readBundle(); // fails clearly when dist/ is not built
    dir = await mkdtemp(join(tmpdir(), 'readme-quick-start-'));
    const { html, app, esbuild } = await quickStart();
    await mkdir(join(dir, 'node_modules'));
    await symlink(repoRoot, join(dir, 'node_modules', 'resumable-upload'), 'dir');
    const files: Record<string, [string, string]> = {}; // read per request: filled below
    site = await startStaticServer(files);
    ours = await startOurServer({ allowedOrigins: [site.origin] });
    const endpoint = "'http://127.0.0.1:1080/files'";
    assert.ok(app.includes(endpoint), `app.js uploads to ${endpoint}`);
    await writeFile(join(dir, 'app.js'), app.replace(endpoint, JSON.stringify(ours.endpoint)));
    const built = spawnSync(join(repoRoot, 'node_modules', '.bin', 'esbuild'), esbuild, {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(built.status, 0, built.stderr);
    const bundle = await readFile(join(dir, 'bundle.js'), 'utf8');
    assert.doesNotMatch(bundle, /node:http|node:fs/, 'the browser build was bundled');
    files['/'] = ['text/html; charset=utf-8', html];
    files['/bundle.js'] = ['text/javascript', bundle];
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await ours?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads the picked file; the server keeps its bytes', async () => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(`${site.origin}/`);
    const bytes = makeBytes(3 * 1024 * 1024 + 17, 31);
    await page.setInputFiles('#file', {
      name: 'quick.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(bytes),
    });
    await page.waitForFunction(
      "document.querySelector('#result').textContent.startsWith('uploaded to ')",
      undefined,
      { timeout: 60_000 },
    );
    const text = await page.textContent('#result');
    const url = text?.slice('uploaded to '.length) ?? '';
    assert.ok(url.startsWith(ours.endpoint), url);
    assert.deepEqual(await readFile(ours.dataPath(url)), Buffer.from(bytes));
    assert.equal(await page.evaluate("document.querySelector('#progress').value"), 1);
    await page.close();
  });
});
