/**
 * Crash-safe resume (issue 4): a child process uploading a 64 MiB file with `storeUrl` is
 * killed with SIGKILL in the middle of a PATCH body, five times at random points; each new
 * process calling plain `uploadFile` on the same file resumes the same upload from the
 * server's offset, and the last one finishes it. The bytes are counted where they reach the
 * server (a streaming proxy in front of it) and the stored file is hashed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CHILD = join(import.meta.dirname, 'upload-child.ts');
const CHUNK = 256 * 1024;
const SIZE = 64 * 1024 * 1024;
const CRASHES = 5;

interface ChildRun {
  signal: NodeJS.Signals | null;
  code: number | null;
  events: Array<Record<string, unknown>>;
  stderr: string;
}

function startChild(
  endpoint: string,
  file: string,
  store: string,
): [ChildProcess, Promise<ChildRun>] {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, endpoint, file, store, String(CHUNK)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (piece: Buffer) => {
    stdout += piece.toString();
  });
  child.stderr?.on('data', (piece: Buffer) => {
    stderr += piece.toString();
  });
  const done = new Promise<ChildRun>((resolveRun) => {
    child.on('close', (code, signal) => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolveRun({ code, signal, events, stderr });
    });
  });
  return [child, done];
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** A small seeded generator, so that a failing run can be replayed (the seed is printed). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('crash-safe resume across processes (SIGKILL mid-PATCH)', { timeout: 240_000 }, () => {
  let dir: string;
  let server: StartedOurServer;
  let proxy: CountingProxy;
  let file: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'resume-crash-'));
    server = await startOurServer();
    proxy = await startCountingProxy(server.endpoint);
    file = join(dir, 'crash.bin');
    const handle = await open(file, 'w');
    for (let written = 0; written < SIZE; written += 1024 * 1024) {
      await handle.write(randomBytes(1024 * 1024));
    }
    await handle.close();
  });
  after(async () => {
    await proxy?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`${CRASHES} kills at random points, then a plain uploadFile finishes the same upload`, async () => {
    const seed = Number(process.env.RESUME_CRASH_SEED ?? Date.now() % 1_000_000);
    const rnd = random(seed);
    const note = `seed ${seed} (RESUME_CRASH_SEED=${seed} replays it)`;
    const store = join(dir, 'state', 'upload-urls.json');
    const client = new TusClient(server.endpoint, { checksum: false });
    let url: string | undefined;
    let held = 0;

    for (let crash = 0; crash <= CRASHES; crash++) {
      const last = crash === CRASHES;
      const requestsBefore = proxy.requests.length;
      const bytesBefore = proxy.patchBytes();
      // Somewhere in the next quarter of what remains, not on a chunk boundary.
      const killAt = bytesBefore + Math.floor(CHUNK / 3 + rnd() * ((SIZE - held) / 4 - CHUNK / 3));
      const [child, done] = startChild(proxy.endpoint, file, store);
      proxy.onPatchBytes = last
        ? undefined
        : (total) => {
            if (total < killAt) return;
            proxy.onPatchBytes = undefined;
            child.kill('SIGKILL');
          };
      const run = await done;
      proxy.onPatchBytes = undefined;
      await proxy.idle();
      const mine = proxy.requests.slice(requestsBefore);
      const forwarded = proxy.patchBytes() - bytesBefore;

      if (last) {
        assert.equal(run.code, 0, `${note}\n${run.stderr}`);
        assert.equal(run.events.at(-1)?.url, url, `${note}: finished the same upload`);
      } else {
        assert.equal(
          run.signal,
          'SIGKILL',
          `${note}: process ${crash + 1} killed mid-upload (code ${run.code}, ${JSON.stringify(run.events)})\n${run.stderr}`,
        );
      }
      if (crash === 0) {
        url = run.events.find((e) => e.event === 'url')?.url as string | undefined;
        assert.ok(url, `${note}: the URL was announced before the first PATCH`);
        assert.equal(mine.filter((r) => r.method === 'POST').length, 1);
      } else {
        assert.equal(
          mine.filter((r) => r.method === 'POST').length,
          0,
          `${note}: process ${crash + 1} resumed, it did not create a new upload`,
        );
        const firstPatch = mine.find((r) => r.method === 'PATCH');
        assert.equal(
          firstPatch?.offset,
          held,
          `${note}: process ${crash + 1} started at the server's offset`,
        );
      }

      const info = await client.getUploadInfo(url!);
      const kept = info.offset - held;
      // What reached the server and was not kept (a chunk cut off mid-body) is sent again.
      assert.ok(
        forwarded - kept <= CHUNK,
        `${note}: process ${crash + 1} sent ${forwarded} bytes, the server kept ${kept}`,
      );
      assert.ok(kept >= 0);
      held = info.offset;
      if (!last) assert.ok(held < SIZE, `${note}: killed before the end`);
    }

    assert.equal(held, SIZE);
    const resent = proxy.patchBytes() - SIZE;
    assert.ok(
      resent <= CRASHES * CHUNK,
      `${note}: ${resent} bytes sent twice over ${CRASHES} crashes`,
    );
    assert.equal(await sha256(server.dataPath(url!)), await sha256(file), note);
    const stored = JSON.parse(await readFile(store, 'utf8'));
    assert.deepEqual(stored.uploads, {}, 'the entry was removed once the upload completed');
    await client.close();
  });
});
