/**
 * Output a script can pair with its input: `URL  FILE` per file (keyed, in any order), a
 * failed file's line on stderr, exit 1 when any failed, a summary line ending the batch;
 * `--recursive` with `filename` and `relativePath`; standard input (`-`), deferred or with
 * `--size`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, spawnCli } from './cli-runner.js';
import { jsonLines, onlyUrl, resultLines, sha256File } from './fixtures.js';
import { useGatedServer } from './gated-suite.js';

describe('cli batch output (child process, our server)', () => {
  const suite = useGatedServer();

  it('names each file with its URL; a missing file fails on stderr; exit 1; a summary ends it', async () => {
    const { server, dir } = suite;
    const a = await dir.file('a.bin', 70_000);
    const b = await dir.file('b.bin', 1);
    const c = await dir.file('c c.bin', 300_000);
    const missing = join(dir.path, 'missing.bin');
    const run = await runCli(['upload', a, missing, b, c, '-e', server.endpoint, '--no-store']);
    assert.equal(run.code, 1, run.stderr);
    const results = resultLines(run.stdout);
    assert.deepEqual([...results.keys()].sort(), [a, b, c].sort(), run.stdout);
    for (const [file, url] of results) {
      assert.equal(await sha256File(server.dataPath(url)), await sha256File(file), file);
    }
    assert.match(run.stderr, new RegExp(`error: ${missing}: no such file`));
    const last = run.stderr.trim().split('\n').at(-1);
    assert.match(last ?? '', /^4 files: 3 uploaded, 1 failed; sent 361\.3 KiB in \d+s$/);
  });

  it('--json: one object per file, failures included, elapsedMs an integer', async () => {
    const { server, dir } = suite;
    const a = await dir.file('j.bin', 5000);
    const run = await runCli([
      'upload',
      a,
      join(dir.path, 'nope.bin'),
      dir.path,
      '-e',
      server.endpoint,
      '--json',
      '--no-store',
    ]);
    assert.equal(run.code, 1, run.stderr);
    const results = jsonLines(run.stdout);
    assert.equal(results.length, 3);
    const ok = results.find((r) => r.file === a);
    assert.equal(ok?.status, 'uploaded');
    assert.equal(ok?.bytesSent, 5000);
    assert.ok(Number.isInteger(ok?.elapsedMs), String(ok?.elapsedMs));
    const missing = results.find((r) => String(r.file).endsWith('nope.bin'));
    assert.equal(missing?.ok, false);
    assert.equal((missing?.error as { code?: string } | undefined)?.code, 'ENOENT');
    const directory = results.find((r) => r.file === dir.path);
    assert.match(
      String((directory?.error as { message?: string } | undefined)?.message),
      /is a directory \(add --recursive/,
    );
  });

  it('--recursive uploads every file with filename and relativePath', async () => {
    const { server, dir } = suite;
    const root = join(dir.path, 'album');
    await mkdir(join(root, '2024', 'june'), { recursive: true });
    await writeFile(join(root, 'cover.jpg'), randomBytes(2000));
    await writeFile(join(root, '2024', 'june', 'beach.png'), randomBytes(3000));
    const run = await runCli([
      'upload',
      root,
      '-r',
      '-e',
      server.endpoint,
      '--no-store',
      '--concurrency',
      '2',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const results = resultLines(run.stdout);
    assert.equal(results.size, 2, run.stdout);
    const beach = results.get(join(root, '2024', 'june', 'beach.png'));
    assert.ok(beach, run.stdout);
    const info = jsonLines((await runCli(['info', beach, '--json'])).stdout)[0];
    assert.deepEqual(info?.metadata, {
      filename: 'beach.png',
      filetype: 'image/png',
      relativePath: 'album/2024/june/beach.png',
    });
    assert.match(run.stderr, /^2 files: 2 uploaded/m);
  });

  it('- reads standard input: deferred length, or Upload-Length with --size', async () => {
    const { server, proxy } = suite;
    const bytes = randomBytes(700_000);
    const endpoint = proxy.endpointFor(server.endpoint);
    for (const size of [undefined, bytes.length]) {
      const sizeArgs = size === undefined ? [] : ['--size', String(size)];
      const before = proxy.requests.length;
      const run = await runCli(
        [
          'upload',
          '-',
          '-e',
          endpoint,
          '-m',
          'filename=dump.tar',
          '--chunk-size',
          '256KiB',
          ...sizeArgs,
        ],
        { input: bytes },
      );
      assert.equal(run.code, 0, run.stderr);
      const url = onlyUrl(run.stdout);
      assert.ok(run.stdout.endsWith('  -\n'), run.stdout);
      const stored = await sha256File(server.dataPath(url));
      assert.equal(stored, createHash('sha256').update(bytes).digest('hex'));
      const post = proxy.requests.slice(before).find((r) => r.method === 'POST');
      if (size === undefined) assert.equal(post?.headers['upload-defer-length'], '1');
      else assert.equal(post?.headers['upload-length'], String(size));
      assert.equal(post?.metadata.filename, 'dump.tar');
    }
  });

  it('Ctrl-C in a batch: exit 130, how to go on; the same command again skips the finished file', async () => {
    const { server, proxy, dir } = suite;
    const done = await dir.file('ctrl-c-1.bin', 3000);
    const held = await dir.file('ctrl-c-2.bin', 8 * 64 * 1024);
    const store = join(dir.path, 'ctrl-c', 'urls.json');
    const args = [
      'upload',
      done,
      held,
      '-e',
      proxy.endpointFor(server.endpoint),
      '--chunk-size',
      '64KiB',
      '--concurrency',
      '1',
      '--store-file',
      store,
    ];
    proxy.holdPatchesAfter(3);
    const child = spawnCli(args);
    await child.waitFor(/ctrl-c-1\.bin: done/);
    await proxy.held();
    child.child.kill('SIGINT');
    const run = await child.done;
    proxy.open();
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /^interrupted$/m);
    assert.match(run.stderr, /to go on with the batch: run the same command again/);
    assert.match(run.stderr, /^2 files: 1 uploaded, 1 interrupted; /m);
    const again = await runCli(args);
    assert.equal(again.code, 0, again.stderr);
    const results = resultLines(again.stdout);
    assert.ok(again.stdout.includes(`  ${done}  (already done)`), again.stdout);
    for (const [file, url] of results) {
      assert.equal(await sha256File(server.dataPath(url)), await sha256File(file), file);
    }
  });
});
