/**
 * A client process killed with SIGKILL in the middle of a chunk: the server stays
 * consistent (its offset equals the bytes it stored, and they are the input's prefix; with a
 * checksum promised, the cut-off chunk leaves no trace), and a new client resumes to the
 * whole. The chunk is held mid-body by the fault proxy, so the kill lands inside it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TusClient } from '../../src/index.node.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { bytes, KiB, sha256, tempDir } from '../integration/client/fixtures.js';

const CHUNK = 256 * KiB;
const SIZE = 8 * CHUNK + 123;
const CHILD = fileURLToPath(new URL('./killed-child.ts', import.meta.url));

/** Resolves once `predicate()` holds (checked every 10 ms), rejects after `ms`. */
async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a client process killed mid-chunk', () => {
  let server: StartedOurServer;
  let files: Awaited<ReturnType<typeof tempDir>>;
  before(async () => {
    server = await startOurServer();
    files = await tempDir();
  });
  after(async () => {
    await server.close();
    await files.cleanup();
  });

  for (const checksum of [true, false]) {
    it(`checksum ${checksum ? 'sha1' : 'off'}: the server stays consistent and the upload resumes`, {
      timeout: 60_000,
    }, async () => {
      const data = bytes(SIZE, checksum ? 21 : 22);
      const path = await files.file(`input-${checksum}.bin`, data);
      const half = CHUNK / 2;
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) =>
          req.method === 'PATCH' && req.nth === 3
            ? { kind: 'stall', afterBytes: half, ms: 30_000 }
            : undefined,
      });
      let child: ChildProcess | undefined;
      const client = new TusClient(server.endpoint, { checksum: checksum ? 'sha1' : false });
      try {
        child = spawn(
          process.execPath,
          ['--import', 'tsx', CHILD, proxy.endpoint, path, String(CHUNK), String(checksum)],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout?.on('data', (piece: Buffer) => {
          out += piece.toString();
        });
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        // Kill once the third chunk is half-way into the server.
        await until(() => proxy.faults.length > 0, 30_000, 'the third PATCH');
        await until(
          async () => {
            const last = out.trim().split('\n').at(-1);
            return last !== undefined && last !== '';
          },
          10_000,
          'progress lines',
        );
        child.kill('SIGKILL');
        await exited;
        const reports = out
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { url: string; offset: number });
        assert.deepEqual(
          reports.map((r) => r.offset),
          [CHUNK, 2 * CHUNK],
        );
        const url = new URL(new URL(reports[0]!.url).pathname, server.endpoint).href;
        // The server sees the cut-off PATCH end once the proxy gives up its connection.
        await proxy.close();
        let offset = -1;
        await until(
          async () => {
            const info = await client.getUploadInfo(url);
            const stored = (await readFile(server.dataPath(url))).byteLength;
            offset = info.offset;
            return stored === info.offset && info.offset >= 2 * CHUNK;
          },
          10_000,
          'the stored size to equal the offset',
        );
        const stored = await readFile(server.dataPath(url));
        assert.deepEqual(
          stored,
          Buffer.from(data.subarray(0, offset)),
          'stored bytes are the prefix',
        );
        if (checksum)
          assert.equal(offset, 2 * CHUNK, 'a cut-off chunk with a checksum leaves no trace');
        else assert.ok(offset <= 2 * CHUNK + half, `offset ${offset}`);
        await client.resumeUpload({ uploadUrl: url, filePath: path });
        assert.equal(sha256(await readFile(server.dataPath(url))), sha256(data));
        assert.equal((await client.getUploadInfo(url)).complete, true);
      } finally {
        if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
        await client.close();
        await proxy.close();
      }
    });
  }
});
