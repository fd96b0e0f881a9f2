import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, spawnCli } from './cli-runner.js';
import { jsonLines, sha256File } from './fixtures.js';
import { gatedUpload, useGatedServer } from './gated-suite.js';

const CHUNK = 64 * 1024;

describe('cli interrupted uploads (child process, our server behind a gate)', () => {
  const suite = useGatedServer();

  it('resumes with `resume --url` after the child was killed mid-upload', async () => {
    const { server, proxy, dir } = suite;
    const file = await dir.file('killed.bin', 16 * CHUNK + 123);
    proxy.holdPatchesAfter(4);
    const child = spawnCli(gatedUpload(suite, file, '--no-store', '--progress-interval', '100ms'));
    const [, url] = await child.waitFor(/upload URL (\S+)/);
    await proxy.held();
    child.child.kill('SIGKILL');
    const killed = await child.done;
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(killed.stdout, '', 'no URL printed: the upload did not finish');
    proxy.open();
    assert.ok(url);

    const info = await runCli(['info', url, '--json']);
    assert.equal(info.code, 0, info.stderr);
    assert.equal(jsonLines(info.stdout)[0]?.offset, 4 * CHUNK);

    const resumed = await runCli(['resume', file, '--url', url, '--json', '--chunk-size', '64KiB']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const [result] = jsonLines(resumed.stdout);
    assert.equal(result?.ok, true);
    assert.equal(result?.resumedFrom, 4 * CHUNK);
    assert.equal(await sha256File(server.dataPath(url)), await sha256File(file));
  });

  it('Ctrl-C aborts cleanly: exit 130 and a resume command that works', async () => {
    const { server, proxy, dir } = suite;
    const file = await dir.file('interrupted bin.dat', 8 * CHUNK);
    proxy.holdPatchesAfter(3);
    const child = spawnCli(gatedUpload(suite, file, '--no-store'));
    await child.waitFor(/upload URL (\S+)/);
    await proxy.held();
    child.child.kill('SIGINT');
    const run = await child.done;
    assert.equal(run.code, 130, run.stderr);
    assert.equal(run.stdout, '');
    const hint = run.stderr.match(/to resume: resumable-upload (resume '[^']+' --url \S+)/);
    assert.ok(hint?.[1], run.stderr);
    proxy.open();

    // The hint quotes the path (it has a space); split it the way a shell would here.
    const args = hint[1].match(/'[^']*'|\S+/g)?.map((arg) => arg.replace(/^'|'$/g, '')) ?? [];
    assert.deepEqual(args.slice(0, 2), ['resume', file]);
    const resumed = await runCli([...args, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const [result] = jsonLines(resumed.stdout);
    assert.equal(result?.resumedFrom, 3 * CHUNK);
    assert.equal(await sha256File(server.dataPath(String(result?.url))), await sha256File(file));
  });
});
