/**
 * `resume` tells what it does (from which byte, what it sent, already complete, gone),
 * finds the upload in the URL store without `--url`; `list` (with `--check`) and
 * `forget FILE|URL` show and edit the store.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, spawnCli } from './cli-runner.js';
import { jsonLines, onlyUrl, sha256File } from './fixtures.js';
import { gatedUpload, useGatedServer } from './gated-suite.js';

const CHUNK = 64 * 1024;
const SIZE = 20 * CHUNK + 5;

describe('cli resume, list, forget (child process, our server behind a gate)', () => {
  const suite = useGatedServer();

  /** Starts `upload FILE` with the store at `store`, kills it after `chunks` PATCHes. */
  async function killedUpload(name: string, store: string, chunks: number): Promise<string> {
    const { proxy, dir } = suite;
    const file = await dir.file(name, SIZE);
    proxy.holdPatchesAfter(chunks);
    const child = spawnCli(gatedUpload(suite, file, '--store-file', store));
    await proxy.held();
    child.child.kill('SIGKILL');
    await child.done;
    proxy.open();
    return file;
  }

  it('resume FILE without --url: from the store, from byte N, reporting the bytes it sent', async () => {
    const { server, dir } = suite;
    const store = join(dir.path, 'r1', 'urls.json');
    const file = await killedUpload('stored resume.bin', store, 6);
    const run = await runCli(['resume', file, '--store-file', store, '--chunk-size', '64KiB']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /: resuming from byte 393216\n/);
    // 1,310,725 bytes, 393,216 of them on the server before: 917,509 sent (896.0 KiB).
    assert.match(run.stderr, /: done: sent 896\.0 KiB of 1\.3 MiB in /);
    const url = onlyUrl(run.stdout);
    assert.equal(await sha256File(server.dataPath(url)), await sha256File(file));
    const list = await runCli(['list', '--store-file', store, '--json']);
    assert.deepEqual(jsonLines(list.stdout), [], 'forgotten once done');

    const again = await runCli(['resume', file, '--url', url, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already complete \(1310725 bytes on the server\)/);
    const [result] = jsonLines(again.stdout);
    assert.equal(result?.status, 'already-done');
    assert.equal(result?.bytesSent, 0);
  });

  it('resume of a deleted upload says it is gone and how to start afresh', async () => {
    const { server, dir } = suite;
    const file = await dir.file('deleted.bin', 3000);
    const up = await runCli(['upload', file, '-e', server.endpoint, '--no-store', '--quiet']);
    const url = onlyUrl(up.stdout);
    assert.equal((await runCli(['delete', url])).code, 0);
    const run = await runCli(['resume', file, '--url', url]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /the upload is gone from the server \(expired or deleted\): start afresh with resumable-upload upload \S+ --endpoint http:\/\/127\.0\.0\.1:\d+\/files\//,
    );
  });

  it('list shows the stored upload (with --check the server offset); forget FILE and forget URL remove it', async () => {
    const { dir } = suite;
    const store = join(dir.path, 'r2', 'urls.json');
    const first = await killedUpload('listed.bin', store, 3);
    const second = await killedUpload('other.bin', store, 2);
    const plain = await runCli(['list', '--store-file', store]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, new RegExp(`^${first}  1\\.3 MiB  stored \\S+  http://\\S+$`, 'm'));
    const checked = jsonLines(
      (await runCli(['list', '--check', '--json', '--store-file', store])).stdout,
    );
    const entry = checked.find((e) => e.file === first);
    assert.deepEqual(entry?.server, { offset: 3 * CHUNK, length: SIZE, complete: false });
    assert.equal(checked.find((e) => e.file === second)?.ok, true);
    const human = await runCli(['list', '--check', '--store-file', store]);
    assert.match(human.stdout, /server has 192\.0 KiB of 1\.3 MiB/);

    const forgot = await runCli(['forget', first, '--store-file', store]);
    assert.equal(forgot.code, 0, forgot.stderr);
    assert.match(forgot.stdout, new RegExp(`^forgot http://\\S+  ${first}$`, 'm'));
    const otherUrl = String(checked.find((e) => e.file === second)?.url);
    const byUrl = await runCli(['forget', otherUrl, '--store-file', store, '--json']);
    assert.equal(jsonLines(byUrl.stdout)[0]?.ok, true);
    const empty = await runCli(['list', '--store-file', store]);
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /no unfinished uploads in /);
    const nothing = await runCli(['forget', first, '--store-file', store, '--json']);
    assert.equal(nothing.code, 1);
    assert.equal(jsonLines(nothing.stdout)[0]?.ok, false);
  });
});
