/**
 * `resumable-upload serve` and `resumable-upload-server` as child processes (issue 17,
 * item 7; issue 15, points 1, 8 and 10): the flags a deployment needs, the request log
 * (aborted PATCHes, method overrides, disk errors), `--help` under its own name, a
 * graceful stop on SIGINT and SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { create, patch, send, TUS } from '../helpers/raw-http.js';
import { MiB, offsetOf, openPatch, until } from '../integration/server/fixtures/by-hand.js';
import { type CliChild, cliNodeArgs, ROOT, runCli, spawnCli } from './cli-runner.js';
import { makeTempDir, type TempDir } from './fixtures.js';

/** `node <entry> args`, optionally under bash's `ulimit -f` (1 KiB blocks). */
function spawnServer(entry: string[], args: string[], fileSizeLimitKiB?: number) {
  const command = [...entry, ...args];
  const child =
    fileSizeLimitKiB === undefined
      ? spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(
          'bash',
          ['-c', `ulimit -f ${fileSizeLimitKiB} && exec "$0" "$@"`, process.execPath, ...command],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const endpoint = (async () => {
    await until(
      () => /listening on \S+/.test(stdout) || child.exitCode !== null,
      'listening',
      30_000,
    );
    const match = /listening on (\S+)/.exec(stdout);
    if (match?.[1] === undefined) throw new Error(`the server did not start: ${stderr}`);
    return match[1];
  })();
  endpoint.catch(() => {}); // awaited by the tests that start a server; --help never listens
  return { child, endpoint, exited, stdout: () => stdout, stderr: () => stderr };
}

const SERVER_BIN = (() => {
  const built = join(ROOT, 'dist', 'cli', 'server-main.js');
  return existsSync(built)
    ? [built]
    : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'server-main.ts')];
})();

async function listening(server: CliChild): Promise<string> {
  const [, endpoint] = await server.waitFor(/listening on (\S+)/, 'stdout');
  assert.ok(endpoint);
  return endpoint;
}

describe('cli serve (child process)', () => {
  let dir: TempDir;

  before(async () => {
    dir = await makeTempDir();
  });
  after(async () => {
    await dir.remove();
  });

  it('serves uploads, logs one line per request, and stops cleanly on Ctrl-C', {
    timeout: 60_000,
  }, async () => {
    const uploads = `${dir.path}/uploads`;
    const server = spawnCli(['serve', '--port', '0', '--dir', uploads]);
    try {
      const endpoint = await listening(server);
      const file = await dir.file('served.bin', 100_000);
      const up = await runCli(['upload', file, '-e', endpoint, '--no-store', '--quiet']);
      assert.equal(up.code, 0, up.stderr);
      // `URL  FILE` (the upload command keys each URL with its file)
      const url = up.stdout.trim().split('  ')[0] ?? '';
      const id = url.split('/').at(-1) ?? '';
      await server.waitFor(/PATCH \S+ 204/);
      assert.match(server.stderr(), /POST \/files\/? 201/);
      const stored = await readdir(uploads, { recursive: true });
      assert.ok(
        stored.some((name) => String(name).includes(id)),
        `${id} in ${stored.join(', ')}`,
      );
      const info = await runCli(['info', url, '--json']);
      assert.equal(JSON.parse(info.stdout).offset, 100_000);
    } finally {
      server.child.kill('SIGINT');
    }
    const run = await server.done;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /stopped/);
  });

  it('a port in use is an error, exit 1', { timeout: 60_000 }, async () => {
    const first = spawnCli(['serve', '--port', '0', '--dir', `${dir.path}/a`, '--quiet']);
    try {
      const port = new URL(await listening(first)).port;
      const second = await runCli(['serve', '--port', port, '--dir', `${dir.path}/b`], {
        timeoutMs: 30_000,
      });
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, /EADDRINUSE/);
    } finally {
      first.child.kill('SIGINT');
    }
    assert.equal((await first.done).code, 0);
  });

  it('--path, --max-size, --cors (repeated), --expire-after, --public-url', {
    timeout: 60_000,
  }, async () => {
    const server = spawnCli([
      'serve',
      '--port',
      '0',
      '--dir',
      `${dir.path}/flags`,
      '--path',
      '/up',
      '--max-size',
      '1KiB',
      '--cors',
      'http://app.example',
      '--cors',
      'https://other.example/',
      '--expire-after',
      '1h',
      '--public-url',
      'https://uploads.example/up',
    ]);
    try {
      const endpoint = await listening(server);
      assert.match(endpoint, /\/up\/$/);
      const options = await send('OPTIONS', endpoint);
      assert.equal(options.headers['tus-max-size'], '1024');
      assert.equal(
        (await send('POST', endpoint, { headers: { ...TUS, 'Upload-Length': '1025' } })).status,
        413,
      );
      const created = await send('POST', endpoint, { headers: { ...TUS, 'Upload-Length': '10' } });
      assert.match(
        String(created.headers.location),
        /^https:\/\/uploads\.example\/up\/[0-9a-f]{32}$/,
      );
      const expires = Date.parse(String(created.headers['upload-expires']));
      assert.ok(
        expires > Date.now() + 30 * 60_000 && expires < Date.now() + 2 * 3_600_000,
        'about 1 h',
      );
      for (const [origin, allowed] of [
        ['http://app.example', true],
        ['https://other.example', true],
        ['http://evil.example', false],
      ] as const) {
        const preflight = await send('OPTIONS', endpoint, {
          headers: { Origin: origin, 'Access-Control-Request-Method': 'PATCH' },
        });
        assert.equal(
          preflight.headers['access-control-allow-origin'],
          allowed ? origin : undefined,
        );
      }
      assert.match(server.stderr(), /\(CORS\): http:\/\/app\.example, https:\/\/other\.example/);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal((await server.done).code, 0);
  });

  it('by default no web page of another origin may upload; --trust-proxy follows X-Forwarded-*', {
    timeout: 60_000,
  }, async () => {
    const plain = spawnCli(['serve', '--port', '0', '--dir', `${dir.path}/plain`, '--quiet']);
    const proxied = spawnCli([
      'serve',
      '--port',
      '0',
      '--dir',
      `${dir.path}/proxied`,
      '--quiet',
      '--trust-proxy',
    ]);
    try {
      const forwarded = {
        ...TUS,
        'Upload-Length': '1',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'up.example',
      };
      const plainEndpoint = await listening(plain);
      const preflight = await send('OPTIONS', plainEndpoint, {
        headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      assert.match(plain.stderr(), /\(CORS\): none/);
      const direct = await send('POST', plainEndpoint, { headers: forwarded });
      assert.match(String(direct.headers.location), /^http:\/\/127\.0\.0\.1:/);
      const behind = await send('POST', await listening(proxied), { headers: forwarded });
      assert.match(String(behind.headers.location), /^https:\/\/up\.example\/files\//);
    } finally {
      plain.child.kill('SIGTERM');
      proxied.child.kill('SIGTERM');
    }
    assert.equal((await plain.done).code, 0);
    assert.equal((await proxied.done).code, 0);
  });

  it('bad flag values are exit 2 naming the flag', { timeout: 60_000 }, async () => {
    for (const [flag, value] of [
      ['--cors', 'app.example'],
      ['--cors', 'https://app.example/path'],
      ['--max-size', '5 potatoes'],
      ['--path', 'files'],
      ['--expire-after', 'soon'],
      ['--public-url', 'ftp://x/files'],
    ] as const) {
      const run = await runCli(['serve', '--port', '0', '--dir', `${dir.path}/bad`, flag, value]);
      assert.equal(run.code, 2, `${flag} ${value}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(flag), `${flag} ${value}`);
    }
  });

  it('the log says "aborted" for a PATCH cut short, and the method an override stands for', {
    timeout: 60_000,
  }, async () => {
    const server = spawnCli(['serve', '--port', '0', '--dir', `${dir.path}/log`]);
    try {
      const endpoint = await listening(server);
      const url = await create(endpoint, { 'Upload-Length': String(2 * MiB) });
      const path = new URL(url).pathname;
      const cut = openPatch(url, 0, 2 * MiB);
      await cut.write(Buffer.alloc(MiB + 100_000));
      const data = join(`${dir.path}/log`, path.split('/').at(-1) ?? '');
      await until(async () => existsSync(data) && (await stat(data)).size > 0, 'bytes on disk');
      cut.cut();
      await server.waitFor(new RegExp(`PATCH ${path} aborted`));
      assert.doesNotMatch(server.stderr(), new RegExp(`PATCH ${path} 200`));
      const overridden = await send('GET', url, {
        headers: { ...TUS, 'X-HTTP-Method-Override': 'DELETE' },
      });
      assert.equal(overridden.status, 204);
      await server.waitFor(new RegExp(`DELETE ${path} 204`));
    } finally {
      server.child.kill('SIGINT');
    }
    assert.equal((await server.done).code, 0);
  });

  it('a disk error is answered 500 and logged (the server under ulimit -f 2048)', {
    timeout: 60_000,
  }, async () => {
    const uploads = `${dir.path}/full`;
    const server = spawnServer(cliNodeArgs(), ['serve', '--port', '0', '--dir', uploads], 2048);
    try {
      const endpoint = await server.endpoint;
      const url = await create(endpoint, { 'Upload-Length': String(4 * MiB) });
      const answer = await patch(url, 0, Buffer.alloc(4 * MiB, 7));
      assert.equal(answer.status, 500);
      assert.equal(answer.headers['tus-resumable'], '1.0.0');
      await until(() => /error PATCH \S+: .*EFBIG/.test(server.stderr()), 'the error line');
      assert.equal(await offsetOf(url), 2 * MiB);
      const stored = await readFile(join(uploads, new URL(url).pathname.split('/').at(-1) ?? ''));
      assert.equal(stored.length, 2 * MiB);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0, server.stderr());
  });
});

describe('resumable-upload-server (child process)', () => {
  let dir: TempDir;
  before(async () => {
    dir = await makeTempDir();
  });
  after(() => dir.remove());

  it('--help names resumable-upload-server and every serve flag', { timeout: 60_000 }, async () => {
    const server = spawnServer(SERVER_BIN, ['--help']);
    assert.equal(await server.exited, 0);
    const help = server.stdout();
    assert.match(help, /^Usage: resumable-upload-server \[options\]/);
    for (const flag of [
      '--port',
      '--dir',
      '--path',
      '--max-size',
      '--cors',
      '--expire-after',
      '--public-url',
      '--trust-proxy',
    ]) {
      assert.match(help, new RegExp(flag), flag);
    }
    const wrong = spawnServer(SERVER_BIN, ['--max-sise', '5']);
    assert.equal(await wrong.exited, 2);
    assert.match(wrong.stderr(), /--max-size/, 'did you mean');
  });

  it('is the same server; SIGTERM mid-upload stops it gracefully, keeping what arrived', {
    timeout: 60_000,
  }, async () => {
    const uploads = `${dir.path}/bin-uploads`;
    const server = spawnServer(SERVER_BIN, ['--port', '0', '--dir', uploads]);
    const source = Buffer.alloc(2 * MiB, 3);
    let url = '';
    try {
      const endpoint = await server.endpoint;
      url = await create(endpoint, { 'Upload-Length': String(source.length) });
      const writing = openPatch(url, 0, source.length);
      await writing.write(source.subarray(0, MiB));
      await until(() => /POST \/files\/? 201/.test(server.stderr()), 'the log line');
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.stderr());
      writing.cut();
    } finally {
      server.child.kill('SIGKILL');
    }
    assert.match(server.stderr(), /SIGTERM: stopping[\s\S]*stopped/);
    const again = spawnServer(SERVER_BIN, ['--port', '0', '--dir', uploads, '--quiet']);
    try {
      const restarted = new URL(new URL(url).pathname, await again.endpoint).href;
      const offset = await offsetOf(restarted);
      const stored = await readFile(join(uploads, new URL(url).pathname.split('/').at(-1) ?? ''));
      assert.equal(stored.length, offset, 'offset = bytes on disk');
      assert.ok(stored.equals(source.subarray(0, offset)));
    } finally {
      again.child.kill('SIGTERM');
    }
    assert.equal(await again.exited, 0);
  });
});
