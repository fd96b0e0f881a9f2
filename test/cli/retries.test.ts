/**
 * Honest progress on a bad day: while the server is down or a request fails, each retry
 * is said at once (reason, attempt n of m, when), the progress lines show no speed and an
 * unknown ETA; when the retries run out, a line says how to resume, and it works.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './cli-runner.js';
import { onlyUrl, sha256File } from './fixtures.js';
import { gatedUpload, useGatedServer } from './gated-suite.js';

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('cli retries (child process)', () => {
  const suite = useGatedServer();

  it('a dead endpoint: a line per retry with the reason and attempt n of m, ETA unknown', async () => {
    const { dir } = suite;
    const file = await dir.file('dead.bin', 5000);
    const endpoint = `http://127.0.0.1:${await closedPort()}/files/`;
    const run = await runCli(
      [
        'upload',
        file,
        '-e',
        endpoint,
        '--no-store',
        '--retries',
        '2',
        '--retry-delay',
        '300ms',
        '--progress-interval',
        '100ms',
      ],
      { timeoutMs: 30_000 },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /: retry 1 of 2 in \d+ms: POST http:\/\/127\.0\.0\.1:\d+\/files\/: .*ECONNREFUSED/,
    );
    assert.match(run.stderr, /: retry 2 of 2 in \S+: POST /);
    assert.match(run.stderr, /0 B \/ 4\.9 KiB {2}0% {2}0 B\/s {2}ETA unknown {2}retry [12] of 2/);
    assert.doesNotMatch(run.stderr, /retries 0/, 'no stale "retries 0" while retrying');
    assert.match(run.stderr, /error: upload failed after 3 attempts/);
    assert.match(run.stderr, /: no upload was created yet: run the same command again/);
  });

  it('retries run out mid-upload: how to resume is printed, and running it finishes the upload', async () => {
    const { server, proxy, dir } = suite;
    const file = await dir.file('flaky.bin', 20 * 64 * 1024);
    const store = join(dir.path, 'retry-store', 'urls.json');
    proxy.holdPatchesAfter(4);
    const run = await runCli(
      gatedUpload(
        suite,
        file,
        '--timeout',
        '1s',
        '--retries',
        '1',
        '--retry-delay',
        '100ms',
        '--store-file',
        store,
      ),
      { timeoutMs: 60_000 },
    );
    proxy.open();
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      // After progress the first retry goes at once (issue 26): "now" rather than "in 0.1 s".
      /: retry 1 of 1 (?:in \S+|now): PATCH http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]+/,
    );
    const hint = run.stderr.match(/^to resume: resumable-upload (resume \S+ --store-file \S+)$/m);
    assert.ok(hint?.[1], run.stderr);
    const resumed = await runCli(hint[1].split(' '));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from byte 262144/);
    assert.equal(
      await sha256File(server.dataPath(onlyUrl(resumed.stdout))),
      await sha256File(file),
    );
  });
});
