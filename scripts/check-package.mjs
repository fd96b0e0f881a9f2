#!/usr/bin/env node
// Checks the package as published: packs it (`npm pack`, after `npm run build`), runs
// @arethetypeswrong/cli on the tarball, and type-checks each consumer fixture of
// test/types/ against the unpacked tarball with `tsc`. Exits non-zero on any problem.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const scratch = mkdtempSync(join(tmpdir(), 'check-package-'));
let failed = false;

function run(what, command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`check-package: ${what} failed (exit ${result.status ?? result.signal})`);
    failed = true;
  }
  return result.status === 0;
}

try {
  const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', scratch], {
    cwd: root,
    encoding: 'utf8',
  });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = join(scratch, packed.stdout.trim().split('\n').at(-1));
  console.log(`check-package: ${tarball}`);

  run('attw', bin('attw'), [tarball, '--format', 'table-flipped']);

  const unpacked = join(scratch, 'node_modules', 'resumable-upload');
  mkdirSync(unpacked, { recursive: true });
  run('unpack', 'tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
  mkdirSync(join(scratch, 'node_modules', '@types'), { recursive: true });
  symlinkSync(
    join(root, 'node_modules', '@types', 'node'),
    join(scratch, 'node_modules', '@types', 'node'),
  );

  const fixtures = join(root, 'test', 'types');
  for (const name of readdirSync(fixtures, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    const project = join(scratch, name.name);
    cpSync(join(fixtures, name.name), project, { recursive: true });
    if (run(`tsc in test/types/${name.name}`, bin('tsc'), ['-p', project])) {
      console.log(`check-package: test/types/${name.name} type-checks`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
