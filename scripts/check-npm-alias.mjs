#!/usr/bin/env node
// Shows that an npm `overrides` alias puts resumable-upload's tus-js-client face where a
// dependency imports `tus-js-client` (as @uppy/tus does): packs resumable-upload and
// packages/tus-js-client-alias, installs a scratch app whose dependency imports
// tus-js-client, and imports it. Not in `npm test`: the install asks the npm registry
// for resumable-upload's own dependencies. Usage: node scripts/check-npm-alias.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'check-npm-alias-'));
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8' }).trim();
const pack = (dir) =>
  join(
    scratch,
    sh('npm', ['pack', '--silent', '--pack-destination', scratch], dir).split('\n').at(-1),
  );

try {
  const ours = pack(root);
  const alias = pack(join(root, 'packages', 'tus-js-client-alias'));
  const dep = join(scratch, 'dep');
  mkdirSync(dep);
  writeFileSync(
    join(dep, 'package.json'),
    JSON.stringify({
      name: 'dep',
      version: '1.0.0',
      type: 'module',
      main: 'index.js',
      dependencies: { 'tus-js-client': '^4.3.1' },
    }),
  );
  writeFileSync(join(dep, 'index.js'), "export * as tus from 'tus-js-client';\n");
  const depTarball = pack(dep);
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      type: 'module',
      dependencies: { dep: `file:${depTarball}`, 'resumable-upload': `file:${ours}` },
      overrides: { 'tus-js-client': `file:${alias}` },
    }),
  );
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  const seen = sh(
    process.execPath,
    ['-e', "import('dep').then((m) => console.log(m.tus.defaultOptions.httpStack.getName()))"],
    app,
  );
  if (seen !== 'ResumableUploadHttpStack') throw new Error(`tus-js-client is not ours: ${seen}`);
  console.log(
    'check-npm-alias: a dependency importing tus-js-client gets resumable-upload/tus-js-client',
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
