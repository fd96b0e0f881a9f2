/**
 * A real `redis-server` (Debian) for the Redis locker's tests, on a free 127.0.0.1 port with
 * no persistence, in a temp dir; `stop()` ends it (only the process it started). When the
 * binary is missing the tests skip with a message, unless `CI` is set: then it is a failure.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its dir. */
  close(): Promise<void>;
}

export type RedisFixture = { ok: true; server: RedisServer } | { ok: false; skip: string };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRedisServer(): Promise<RedisFixture> {
  if (spawnSync('redis-server', ['--version']).error !== undefined) {
    const message = 'Redis locker tests need redis-server: apt-get install -y redis-server';
    if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
      throw new Error(message);
    }
    return { ok: false, skip: message };
  }
  const dir = await mkdtemp(join(tmpdir(), 'tus-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    child = proc;
    for (let tries = 0; tries < 200; tries++) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
      if (await accepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    proc.kill('SIGKILL');
    throw new Error('redis-server did not accept connections within 5 s');
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    ok: true,
    server: {
      url: `redis://127.0.0.1:${port}`,
      port,
      start,
      stop,
      async close() {
        await stop();
        await rm(dir, { recursive: true, force: true });
      },
    },
  };
}
