import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runCli } from './cli-runner.js';
import { makeTempDir, type TempDir } from './fixtures.js';

describe('cli failures: bad flags exit 2, unreachable servers exit 1', () => {
  let dir: TempDir;
  let file: string;
  let blackhole: Server;
  let blackholePort = 0;
  const sockets = new Set<Socket>();
  let closedPort = 0;

  before(async () => {
    dir = await makeTempDir();
    file = await dir.file('f.bin', 2048);
    // Accepts connections and never answers.
    blackhole = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    blackholePort = (blackhole.address() as { port: number }).port;
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
    await dir.remove();
  });

  const badFlags: Array<[string, string[]]> = [
    ['--chunk-size', ['--chunk-size', '8XB']],
    ['--timeout', ['--timeout', 'soon']],
    ['--retries', ['--retries', 'many']],
    ['--checksum', ['--checksum', 'crc32']],
    ['--concurrency', ['--concurrency', '0']],
    ['--header', ['--header', 'Authorization Bearer hunter2']],
    ['--metadata', ['--metadata', 'no-equals-sign']],
    ['--endpoint', ['--endpoint', 'localhost-without-scheme']],
  ];
  for (const [flag, args] of badFlags) {
    it(`${flag} with a bad value: one line naming it, exit 2`, async () => {
      const endpoint = flag === '--endpoint' ? [] : ['-e', 'http://127.0.0.1:9/files/'];
      const run = await runCli(['upload', file, ...endpoint, ...args], { timeoutMs: 30_000 });
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.ok(lines[0]?.includes(flag), run.stderr);
      assert.equal(run.stdout, '');
      assert.ok(!run.stderr.includes('hunter2'));
    });
  }

  it('a refused connection: exit 1 with method and URL', async () => {
    const endpoint = `http://127.0.0.1:${closedPort}/files/`;
    const run = await runCli(['upload', file, '-e', endpoint, '--retries', '0', '--no-store'], {
      timeoutMs: 30_000,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /POST/);
    assert.ok(run.stderr.includes(`127.0.0.1:${closedPort}`), run.stderr);
    assert.equal(run.stdout, '');
  });

  it('a server that never answers: exit 1 once --timeout passes', async () => {
    const endpoint = `http://127.0.0.1:${blackholePort}/files/`;
    const run = await runCli(
      ['upload', file, '-e', endpoint, '--timeout', '1s', '--retries', '0', '--no-store'],
      { timeoutMs: 30_000 },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /1000 ?ms|time/i);
    assert.ok(run.stderr.includes(`127.0.0.1:${blackholePort}`), run.stderr);
  });

  it('server-info against a refused port: exit 1, one line', async () => {
    const run = await runCli(
      ['server-info', '-e', `http://127.0.0.1:${closedPort}/files/`, '--retries', '0'],
      { timeoutMs: 30_000 },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /OPTIONS/);
  });
});
