import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOurServer } from '../helpers/our-server.js';
import { runCli } from './cli-runner.js';
import { jsonLines, makeTempDir, onlyUrl, sha256File, type TempDir } from './fixtures.js';

type OurServer = Awaited<ReturnType<typeof startOurServer>>;

describe('cli upload (child process, our server)', () => {
  let server: OurServer;
  let dir: TempDir;

  before(async () => {
    server = await startOurServer();
    dir = await makeTempDir();
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  it('uploads a file and prints its URL; the server holds the same bytes', async () => {
    const file = await dir.file('one.bin', 1024 * 1024 + 17);
    const run = await runCli([
      'upload',
      file,
      '--endpoint',
      server.endpoint,
      '--chunk-size',
      '256KiB',
      '--no-store',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1, run.stdout);
    const url = onlyUrl(run.stdout);
    assert.equal(lines[0], `${url}  ${file}`, 'URL  FILE');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.equal(await sha256File(server.dataPath(url)), await sha256File(file));
    assert.match(run.stderr, /one\.bin: done: sent 1\.0 MiB in /);
  });

  it('--json prints one object per file and nothing else on stdout', async () => {
    const file = await dir.file('two.txt', 300 * 1024);
    const run = await runCli([
      'upload',
      file,
      '-e',
      server.endpoint,
      '--json',
      '--checksum',
      'sha256',
      '--no-store',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [result, ...rest] = jsonLines(run.stdout);
    assert.equal(rest.length, 0);
    assert.ok(result);
    assert.equal(result.ok, true);
    assert.equal(result.file, file);
    assert.equal(result.size, 300 * 1024);
    assert.equal(result.resumedFrom, 0);
    assert.equal(result.checksum, 'sha256');
    assert.equal(typeof result.url, 'string');
    assert.equal(await sha256File(server.dataPath(String(result.url))), await sha256File(file));
  });

  it('uploads several files with bounded concurrency', async () => {
    const files = await Promise.all([
      dir.file('m1.bin', 200 * 1024),
      dir.file('m2.bin', 64 * 1024 + 3),
      dir.file('m3.bin', 1),
      dir.file('m4.bin', 500 * 1024),
    ]);
    const run = await runCli([
      'upload',
      ...files,
      '-e',
      server.endpoint,
      '--concurrency',
      '2',
      '--chunk-size',
      '64KiB',
      '--json',
      '--quiet',
      '--no-store',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'nothing on stderr with --quiet');
    const results = jsonLines(run.stdout);
    assert.deepEqual(results.map((r) => r.file).sort(), [...files].sort());
    assert.equal(new Set(results.map((r) => r.url)).size, files.length);
    for (const result of results) {
      assert.equal(result.ok, true);
      assert.equal(
        await sha256File(server.dataPath(String(result.url))),
        await sha256File(String(result.file)),
      );
    }
  });

  it('sends filename and filetype by default, plus --metadata pairs', async () => {
    const file = await dir.file('photo.png', 1000);
    const run = await runCli([
      'upload',
      file,
      '-e',
      server.endpoint,
      '--metadata',
      'owner=ci job',
      '-m',
      'filetype=image/x-test',
      '--no-store',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const url = onlyUrl(run.stdout);
    const info = await runCli(['info', url, '--json']);
    assert.equal(info.code, 0, info.stderr);
    const [parsed] = jsonLines(info.stdout);
    assert.deepEqual(parsed?.metadata, {
      filename: 'photo.png',
      filetype: 'image/x-test',
      owner: 'ci job',
    });
    assert.equal(parsed?.offset, 1000);
    assert.equal(parsed?.complete, true);
  });

  it('a missing file fails that file (exit 1) and still uploads the others', async () => {
    const good = await dir.file('present.bin', 4096);
    const run = await runCli([
      'upload',
      `${dir.path}/absent.bin`,
      good,
      '-e',
      server.endpoint,
      '--json',
      '--no-store',
    ]);
    assert.equal(run.code, 1);
    const results = jsonLines(run.stdout);
    const failed = results.find((r) => r.ok === false);
    const done = results.find((r) => r.ok === true);
    assert.match(String((failed?.error as { message?: unknown })?.message), /absent\.bin/);
    assert.equal(await sha256File(server.dataPath(String(done?.url))), await sha256File(good));
    assert.match(run.stderr, /absent\.bin: no such file/);
  });
});
