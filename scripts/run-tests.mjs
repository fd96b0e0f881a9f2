#!/usr/bin/env node
// Runs every test file under test/ with node:test through tsx, on the Node that runs this
// script (process.execPath: scripts/run-node-versions.mjs starts it with other Nodes).
// Usage: node scripts/run-tests.mjs [--reporter=spec|dot] [folder-or-file ...]   (default: test/)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out);
  } else if (/\.test\.(ts|mts)$/.test(path)) {
    out.push(path);
  }
  return out;
}

/**
 * Node flags that keep the log about our code: Node 25+ has a `localStorage` global that warns
 * (ExperimentalWarning, no `--localstorage-file`) when a test looks for it; our Node build
 * never uses it, so the tests run without it, as on Node 20 to 24.
 */
function quietNodeFlags(allowed = process.allowedNodeEnvironmentFlags) {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 25 && allowed.has('--no-experimental-webstorage')
    ? ['--no-experimental-webstorage']
    : [];
}

const args = process.argv.slice(2);
const reporter = args.find((arg) => arg.startsWith('--reporter='))?.slice(11) ?? 'spec';
const roots = args.filter((arg) => !arg.startsWith('--reporter='));
const files = (roots.length > 0 ? roots : ['test']).flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exitCode = 1;
} else {
  const result = spawnSync(
    process.execPath,
    [
      ...quietNodeFlags(),
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      `--test-reporter=${reporter}`,
      ...files,
    ],
    { stdio: 'inherit' },
  );
  process.exitCode = result.status ?? 1;
}
