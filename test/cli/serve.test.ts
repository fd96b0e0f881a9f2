import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, runCli, spawnCli } from './cli-runner.js';
import { makeTempDir, type TempDir } from './fixtures.js';

describe('cli serve (child process)', () => {
  let dir: TempDir;

  before(async () => {
    dir = await makeTempDir();
  });
  after(async () => {
    await dir.remove();
  });

  it('serves uploads, logs one line per request, and stops cleanly on Ctrl-C', async () => {
    const uploads = `${dir.path}/uploads`;
    const server = spawnCli(['serve', '--port', '0', '--dir', uploads]);
    try {
      const [, endpoint] = await server.waitFor(/listening on (\S+)/, 'stdout');
      assert.ok(endpoint);
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

  it('a port in use is an error, exit 1', async () => {
    const first = spawnCli(['serve', '--port', '0', '--dir', `${dir.path}/a`, '--quiet']);
    try {
      const [, endpoint] = await first.waitFor(/listening on (\S+)/, 'stdout');
      const port = new URL(endpoint ?? '').port;
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

  it('resumable-upload-server --port 0 --dir D is the same server; SIGTERM stops it', async () => {
    const built = join(ROOT, 'dist', 'cli', 'server-main.js');
    const entry = existsSync(built)
      ? [built]
      : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'server-main.ts')];
    const uploads = `${dir.path}/bin-uploads`;
    const child = spawn(process.execPath, [...entry, '--port', '0', '--dir', uploads], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (text: string) => {
          out += text;
          const match = /listening on (\S+)/.exec(out);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        exited.then(() => reject(new Error(`server exited: ${stderr}`)));
      });
      const file = await dir.file('bin.bin', 5000);
      const up = await runCli(['upload', file, '-e', endpoint, '--no-store', '--quiet']);
      assert.equal(up.code, 0, up.stderr);
      const stored = await readdir(uploads);
      const uploaded = up.stdout.trim().split('  ')[0] ?? '';
      assert.ok(stored.includes(uploaded.split('/').at(-1) ?? '?'));
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /POST \/files\/? 201/);
  });
});
