/**
 * A real S3 endpoint for the S3 store's tests: Ceph's RADOS Gateway on a one-node cluster
 * in a temp dir (scripts/s3/start.sh, ~20 s), on free 127.0.0.1 ports; `stop()` ends it and
 * removes the dir. When the Debian packages are missing the tests skip with a message, unless
 * `CI` is set: then it is a failure (.ci/run installs them).
 *
 * Also a fault proxy in front of it (`startS3FaultProxy`) that answers chosen S3 calls with a
 * real S3 error document, for the store's "S3 failed mid-append" tests.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPTS = join(import.meta.dirname, '..', '..', 'scripts', 's3');

export interface S3Endpoint {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

export type S3Fixture = { ok: true; server: S3Endpoint } | { ok: false; skip: string };

function run(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(SCRIPTS, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MEMSTORE_BYTES: String(1024 * 1024 * 1024), READY_TIMEOUT: '120' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Starts the gateway; `{ ok: false, skip }` only when its binaries are missing outside CI. */
export async function startS3Server(): Promise<S3Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tus-s3-'));
  const stop = async (): Promise<void> => {
    await run('stop.sh', [dir]).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 6; attempt++) {
    // 12 consecutive ports from a random base; the script says 4 when one is taken.
    const base = 20_000 + Math.floor(Math.random() * 3_000) * 12;
    const result = await run('start.sh', [String(base), dir]);
    if (result.code === 0) {
      const value = (name: string): string => {
        const line = result.stdout.split('\n').find((l) => l.startsWith(`${name}=`));
        if (line === undefined) throw new Error(`scripts/s3/start.sh printed no ${name}`);
        return line.slice(name.length + 1);
      };
      return {
        ok: true,
        server: {
          endpoint: value('S3_ENDPOINT'),
          accessKeyId: value('S3_ACCESS_KEY'),
          secretAccessKey: value('S3_SECRET_KEY'),
          region: value('S3_REGION'),
          stop,
        },
      };
    }
    await run('stop.sh', [dir]).catch(() => {});
    if (result.code === 3) {
      await rm(dir, { recursive: true, force: true });
      const message = `S3 tests need Ceph's RADOS Gateway: ${result.stderr.trim()}`;
      if (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') {
        throw new Error(message);
      }
      return { ok: false, skip: message };
    }
    if (result.code !== 4) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`scripts/s3/start.sh failed (${result.code}): ${result.stderr.trim()}`);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('scripts/s3/start.sh found no free ports in 6 tries');
}

export interface S3FaultProxy {
  endpoint: string;
  /** After `skip` more S3 calls that `match`, the next `count` answer 500 InternalError (their bodies read first). */
  failNext(match: (method: string, url: URL) => boolean, skip: number, count: number): void;
  /** How many calls were failed so far. */
  readonly failed: number;
  /** Every call that went through: method, path, query and the request body's size. */
  readonly calls: { method: string; path: string; query: string; bytes: number }[];
  close(): Promise<void>;
}

/** UploadPart: `PUT /<bucket>/<key>?partNumber=N&uploadId=…`. */
export function isUploadPart(method: string, url: URL): boolean {
  return method === 'PUT' && url.searchParams.has('partNumber') && !url.pathname.endsWith('.info');
}

/** A proxy to `target` that passes every request through as it is (so signatures hold), but the failed ones. */
export async function startS3FaultProxy(target: string): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  let rule:
    | { match: (method: string, url: URL) => boolean; skip: number; left: number }
    | undefined;
  let failed = 0;
  const calls: S3FaultProxy['calls'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const call = {
      method: req.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: url.search,
      bytes: 0,
    };
    calls.push(call);
    req.on('data', (data: Buffer) => {
      call.bytes += data.length;
    });
    const matched = rule !== undefined && rule.left > 0 && rule.match(req.method ?? '', url);
    if (matched && rule !== undefined && rule.skip > 0) rule.skip--;
    else if (matched && rule !== undefined) {
      rule.left--;
      failed++;
      req.resume();
      req.on('end', () => {
        const body =
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the test</Message></Error>';
        res.writeHead(500, {
          'Content-Type': 'application/xml',
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
      });
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failNext(match, skip, count) {
      rule = { match, skip, left: count };
    },
    get failed() {
      return failed;
    },
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
