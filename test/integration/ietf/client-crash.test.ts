/**
 * Resume after the client process is killed (SIGKILL) in the middle of an append, for each
 * draft value of `protocol`: a child uploading an 8 MiB file with `storeUrl` is killed twice
 * mid-body; each new process's plain `uploadFile` resumes the same upload from the server's
 * offset (no second creation), and the last one finishes it. The stored file is hashed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { DRAFT_PROTOCOLS, type DraftProtocol } from '../../../src/protocol/ietf/interop.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { type CountingProxy, startCountingProxy } from '../resume/counting-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CHILD = join(import.meta.dirname, 'draft-upload-child.ts');
const CHUNK = 256 * 1024;
const SIZE = 8 * 1024 * 1024;
const KILL_AT = [2.5 * CHUNK, 15.5 * CHUNK];

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: Array<Record<string, unknown>>;
  stderr: string;
}

function run(args: string[], proxy: CountingProxy, killAt: number | undefined): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (piece: Buffer) => {
    stdout += piece.toString();
  });
  child.stderr?.on('data', (piece: Buffer) => {
    stderr += piece.toString();
  });
  proxy.onPatchBytes =
    killAt === undefined
      ? undefined
      : (total) => {
          if (total < killAt) return;
          proxy.onPatchBytes = undefined;
          child.kill('SIGKILL');
        };
  return new Promise((done) => {
    child.on('close', (code, signal) => {
      proxy.onPatchBytes = undefined;
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      done({ code, signal, events, stderr });
    });
  });
}

for (const protocol of Object.keys(DRAFT_PROTOCOLS) as DraftProtocol[]) {
  describe(`${protocol}: resume after the client process is killed mid-append`, {
    timeout: 120_000,
  }, () => {
    let dir: string;
    let server: StartedOurServer;
    let proxy: CountingProxy;
    let file: string;
    let data: Buffer;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'draft-crash-'));
      server = await startOurServer();
      proxy = await startCountingProxy(server.endpoint);
      file = join(dir, 'input.bin');
      data = randomBytes(SIZE);
      await writeFile(file, data);
    });
    after(async () => {
      await proxy?.close();
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('two kills mid-body, then a plain uploadFile finishes the same upload', async () => {
      const store = join(dir, 'urls.json');
      const args = [proxy.endpoint, file, store, String(CHUNK), protocol];
      const check = new TusClient(server.endpoint, { protocol });
      let url: string | undefined;
      let held = 0;
      for (const [index, killAt] of [...KILL_AT, undefined].entries()) {
        const before = proxy.requests.length;
        const result = await run(args, proxy, killAt);
        await proxy.idle();
        const mine = proxy.requests.slice(before);
        if (killAt === undefined) {
          assert.equal(result.code, 0, result.stderr);
          assert.equal(result.events.at(-1)?.url, url);
        } else {
          assert.equal(result.signal, 'SIGKILL', `run ${index + 1}: ${result.stderr}`);
        }
        if (index === 0) {
          url = result.events.find((e) => e.event === 'url')?.url as string | undefined;
          assert.ok(url !== undefined, 'the URL was announced before the first append');
          assert.equal(mine.filter((r) => r.method === 'POST').length, 1);
        } else {
          assert.equal(
            mine.filter((r) => r.method === 'POST').length,
            0,
            `run ${index + 1} resumed`,
          );
          assert.equal(mine.find((r) => r.method === 'PATCH')?.offset, held);
        }
        const info = await check.getUploadInfo(url!.replace(proxy.endpoint, server.endpoint));
        assert.ok(info.offset >= held);
        held = info.offset;
        assert.equal(info.complete, killAt === undefined);
      }
      await check.close();
      assert.equal(held, SIZE);
      const id = new URL(url!).pathname.split('/').pop() ?? '';
      const stored = createHash('sha256').update(await readFile(server.server.dataPath(id)));
      assert.equal(stored.digest('hex'), createHash('sha256').update(data).digest('hex'));
      assert.deepEqual(JSON.parse(await readFile(store, 'utf8')).uploads, {});
    });
  });
}
