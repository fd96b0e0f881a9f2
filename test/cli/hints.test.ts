/**
 * Issue 25.10: every hint the CLI prints is one a user can follow. "Run the same command
 * again" only where a second run may pass; after an answer that will be the same, what to
 * check instead. The built CLI as a child process; a plain HTTP server that is no tus
 * endpoint, and our server for a deleted upload.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { runCli } from './cli-runner.js';
import { jsonLines, makeTempDir, onlyUrl, type TempDir } from './fixtures.js';

describe('cli hints point the right way', { timeout: 60_000 }, () => {
  let plain: Server;
  let plainOrigin = '';
  let ours: StartedOurServer;
  let dir: TempDir;

  before(async () => {
    // Not a tus server: /404/ and /501/ answer that status, anything else 200 "hello".
    plain = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = /^\/(404|501)\//.exec(req.url ?? '')?.[1];
        res.writeHead(status === undefined ? 200 : Number(status), {
          'Content-Type': 'text/plain',
        });
        res.end('hello');
      });
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    plainOrigin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    ours = await startOurServer();
    dir = await makeTempDir('ru-cli-hints-');
  });
  after(async () => {
    plain?.closeAllConnections();
    await new Promise<void>((resolve) => plain?.close(() => resolve()));
    await ours?.close();
    await dir?.remove();
  });

  for (const status of [404, 501]) {
    it(`upload to something that answers ${status}: check the endpoint URL, not "run again"`, async () => {
      const file = await dir.file(`to-${status}.bin`, 3000);
      const run = await runCli(['upload', file, '-e', `${plainOrigin}/${status}/`, '--no-store']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(
          `: no upload was created: http://127\\.0\\.0\\.1:\\d+/${status}/ answered ${status}: it does not look like a tus endpoint; check the endpoint URL`,
        ),
      );
      assert.doesNotMatch(run.stderr, /run the same command again/);
    });
  }

  it('a batch with a missing file: the batch line says to fix it first', async () => {
    const present = await dir.file('present.bin', 3000);
    const missing = join(dir.path, 'missing.bin');
    const store = join(dir.path, 'batch-store', 'urls.json');
    const run = await runCli([
      'upload',
      present,
      missing,
      '-e',
      ours.endpoint,
      '--store-file',
      store,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /error: \S+missing\.bin: no such file/);
    assert.doesNotMatch(run.stderr, /to go on with the batch: run the same command again/);
    assert.match(
      run.stderr,
      /to go on with the batch once what failed above is fixed \(a missing or unreadable file, the endpoint, the credentials\): run the same command again \(finished files are skipped\)/,
    );
  });

  it('resume --url of a deleted upload: start afresh, never "to resume … --url <the same URL>"', async () => {
    const file = await dir.file('deleted.bin', 3000);
    const up = await runCli(['upload', file, '-e', ours.endpoint, '--no-store', '--quiet']);
    const url = onlyUrl(up.stdout);
    assert.equal((await runCli(['delete', url])).code, 0);
    const run = await runCli(['resume', file, '--url', url, '--no-store']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /the upload is gone from the server \(expired or deleted\): start afresh with resumable-upload upload /,
    );
    assert.doesNotMatch(run.stderr, /to resume:/);
  });

  it('forget FILE with a store that exists but has no entry for it: says so, not ENOENT', async () => {
    const store = join(dir.path, 'forget-store', 'urls.json');
    // 1 MiB and more is stored while it uploads: the store file exists from then on.
    const big = await dir.file('stored.bin', 1024 * 1024 + 1);
    const up = await runCli(['upload', big, '-e', ours.endpoint, '--store-file', store, '--quiet']);
    assert.equal(up.code, 0, up.stderr);
    // The upload finished: its entry is gone, the store file stays (empty).
    const run = await runCli(['forget', big, '--store-file', store]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /nothing to forget: the URL store \S+urls\.json has no entry for it/);
    assert.doesNotMatch(run.stderr, /ENOENT|does not exist|no URL store/);
    const json = await runCli(['forget', big, '--store-file', store, '--json']);
    assert.equal((jsonLines(json.stdout)[0]?.error as { code?: string })?.code, 'NOT_STORED');

    const none = await runCli(['forget', big, '--store-file', join(dir.path, 'nowhere.json')]);
    assert.match(none.stderr, /nothing to forget: there is no URL store at \S+nowhere\.json yet/);
  });

  it('info of a URL that is not a tus upload says it does not look like one', async () => {
    const run = await runCli(['info', `${plainOrigin}/files/abc`]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /the Upload-Offset header is missing/);
    assert.match(
      run.stderr,
      /hint: http:\/\/127\.0\.0\.1:\d+\/files\/abc does not look like a tus upload .*: check the URL/,
    );
  });
});
