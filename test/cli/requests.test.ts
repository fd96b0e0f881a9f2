import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startOurServer } from '../helpers/our-server.js';
import { runCli } from './cli-runner.js';
import { jsonLines, makeTempDir, onlyUrl, type TempDir } from './fixtures.js';

type OurServer = Awaited<ReturnType<typeof startOurServer>>;

describe('cli info / delete / server-info (child process, our server)', () => {
  let server: OurServer;
  let dir: TempDir;
  let url: string;

  before(async () => {
    server = await startOurServer();
    dir = await makeTempDir();
    const file = await dir.file('info.bin', 5000);
    const run = await runCli(['upload', file, '-e', server.endpoint, '--no-store', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    url = onlyUrl(run.stdout);
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  it('info prints offset, length, completeness and metadata', async () => {
    const run = await runCli(['info', url]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^url\s+http/m);
    assert.match(run.stdout, /^offset\s+5000 /m);
    assert.match(run.stdout, /^length\s+5000 /m);
    assert.match(run.stdout, /^complete\s+yes/m);
    assert.match(run.stdout, /filename=info\.bin/);
  });

  it('info --json is one parseable object', async () => {
    const run = await runCli(['info', url, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const [info, ...rest] = jsonLines(run.stdout);
    assert.equal(rest.length, 0);
    assert.equal(info?.url, url);
    assert.equal(info?.offset, 5000);
    assert.equal(info?.length, 5000);
    assert.equal(info?.complete, true);
  });

  it('server-info lists version and extensions', async () => {
    const human = await runCli(['server-info', '--endpoint', server.endpoint]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^version\s+1\.0\.0/m);
    assert.match(human.stdout, /^extensions\s+.*creation/m);
    const json = await runCli(['server-info', '-e', server.endpoint, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const [info] = jsonLines(json.stdout);
    assert.equal(info?.version, '1.0.0');
    assert.ok(Array.isArray(info?.extensions) && info.extensions.includes('termination'));
  });

  it('delete removes the upload; info on it then fails with exit 1 and the status', async () => {
    const file = await dir.file('gone.bin', 3000);
    const up = await runCli(['upload', file, '-e', server.endpoint, '--no-store', '--quiet']);
    assert.equal(up.code, 0, up.stderr);
    const target = onlyUrl(up.stdout);
    assert.ok(existsSync(server.dataPath(target)));
    const del = await runCli(['delete', target]);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout.trim(), `deleted ${target}`);
    assert.equal(existsSync(server.dataPath(target)), false);
    const info = await runCli(['info', target]);
    assert.equal(info.code, 1);
    assert.equal(info.stdout, '');
    const lines = info.stderr.trim().split('\n');
    assert.equal(lines.length, 1, info.stderr);
    assert.match(info.stderr, /HEAD/);
    assert.ok(info.stderr.includes(target), info.stderr);
    assert.match(info.stderr, /404|410/);
  });

  it('--verbose adds the cause chain', async () => {
    const info = await runCli(['info', `${server.endpoint.replace(/\/?$/, '/')}nope`, '--verbose']);
    assert.equal(info.code, 1);
    assert.ok(info.stderr.trim().split('\n').length > 1, info.stderr);
    assert.match(info.stderr, /code: TUS_ERR/);
  });

  it('--json failures of info, delete and server-info: an object with ok:false on stdout', async () => {
    const missing = `${server.endpoint.replace(/\/?$/, '/')}0000`;
    for (const args of [
      ['info', missing],
      ['delete', missing],
      ['server-info', '-e', 'http://127.0.0.1:9/files/', '--retries', '0'],
    ]) {
      const run = await runCli([...args, '--json'], { timeoutMs: 30_000 });
      assert.equal(run.code, 1, run.stderr);
      const [result, ...rest] = jsonLines(run.stdout);
      assert.equal(rest.length, 0);
      assert.equal(result?.ok, false, run.stdout);
      const error = result?.error as { code?: unknown; message?: unknown } | undefined;
      assert.match(String(error?.code), /^TUS_ERR/);
      assert.equal(typeof error?.message, 'string');
      assert.match(run.stderr, /^error: /m, 'the line for people stays on stderr');
    }
    const ok = jsonLines((await runCli(['info', url, '--json'])).stdout)[0];
    assert.equal(ok?.ok, true);
  });

  it('an endpoint that answers HTML gets a hint: is this a tus endpoint?', async () => {
    const page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body>Welcome</body></html>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = page.address() as { port: number };
      const file = await dir.file('html.bin', 100);
      const run = await runCli(['upload', file, '-e', `http://127.0.0.1:${port}/`, '--no-store']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /hint: .*answered with an HTML page.*is this a tus endpoint\?/);
      const info = await runCli(['server-info', '-e', `http://127.0.0.1:${port}/`]);
      assert.match(
        info.stderr,
        /hint: .*without Tus-Version or Tus-Extension: is this a tus endpoint\?/,
      );
    } finally {
      page.closeAllConnections();
      await new Promise<void>((resolve) => page.close(() => resolve()));
    }
  });

  it('a URL with a password is printed without it (stdout, stderr, --json)', async () => {
    const secret = url.replace('http://', 'http://user:hunter2@');
    for (const args of [
      ['info', secret],
      ['info', secret, '--json'],
      ['info', `${secret}-missing`, '--json', '-v'],
    ]) {
      const run = await runCli(args);
      assert.ok(
        !`${run.stdout}${run.stderr}`.includes('hunter2'),
        `${args.join(' ')}:\n${run.stdout}${run.stderr}`,
      );
      assert.ok(
        `${run.stdout}${run.stderr}`.includes(url.replace('http://', '')),
        'the rest of the URL is shown',
      );
    }
  });
});
