/**
 * `--limit-rate` is a limit on all the bytes of the command: two files at once, each in two
 * parallel partial uploads, are received at no more than the rate (plus the limiter's
 * first burst), measured from the proxy's receive log. Only bounds that a slow machine
 * cannot break: slower is always allowed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './cli-runner.js';
import { resultLines, sha256File } from './fixtures.js';
import { useGatedServer } from './gated-suite.js';

const KiB = 1024;
const LIMIT = 256 * KiB;

describe('cli --limit-rate (child process, our server behind a logging proxy)', () => {
  const suite = useGatedServer();

  it('two files in two partials each: together at most the limit', {
    timeout: 60_000,
  }, async () => {
    const { server, proxy, dir } = suite;
    const files = [await dir.file('r1.bin', 512 * KiB), await dir.file('r2.bin', 512 * KiB)];
    const from = proxy.received.length;
    const run = await runCli([
      'upload',
      ...files,
      '-e',
      proxy.endpointFor(server.endpoint),
      '--limit-rate',
      '256KiB',
      '--parallel',
      '2',
      '--concurrency',
      '2',
      '--chunk-size',
      '64KiB',
      '--no-store',
      '--quiet',
    ]);
    assert.equal(run.code, 0, run.stderr);
    for (const [file, url] of resultLines(run.stdout)) {
      assert.equal(await sha256File(server.dataPath(url)), await sha256File(file));
    }
    const log = proxy.received.slice(from);
    const bytes = log.reduce((sum, [, n]) => sum + n, 0);
    assert.equal(bytes, 1024 * KiB, 'every byte went through the proxy once');
    const span = ((log.at(-1)?.[0] ?? 0) - (log[0]?.[0] ?? 0)) / 1000;
    // At LIMIT bytes/s the 1 MiB takes 4 s; a first burst of up to 1 s of bytes allows 3 s.
    assert.ok(span >= 2.5, `1 MiB in ${span.toFixed(2)} s: at most ${LIMIT} B/s means 3 s or more`);
  });
});
