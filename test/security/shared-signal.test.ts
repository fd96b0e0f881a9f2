/**
 * Issue 16.6: one `AbortSignal` serves any number of uploads without a
 * `MaxListenersExceededWarning`, and its listeners are gone once the uploads end — twelve
 * `uploadFile` calls at once (requests in flight, retry waits, parallel partials), and the
 * CLI at `--concurrency 11`. Warnings are captured from the process (and the CLI's stderr).
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { TusClient as FetchTusClient } from '../../src/index.browser.js';
import { TusClient } from '../../src/index.node.js';
import { spawnCli } from '../cli/cli-runner.js';
import type { StartedTusServer } from '../helpers/tus-node-server.js';
import { bytes, KiB, sha256, sha256File, tempDir } from '../integration/client/fixtures.js';
import { type Front, startFront } from './helpers/front.js';
import { REAL_SERVERS } from './helpers/servers.js';

const UPLOADS = 12;

/** Runs `work`, returning the warnings the process emitted meanwhile (and just after). */
async function warningsDuring(work: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
  process.on('warning', listener);
  try {
    await work();
    // Warnings are emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

for (const real of REAL_SERVERS) {
  describe(`one signal, ${UPLOADS} uploads (${real.name})`, { timeout: 60_000 }, () => {
    let server: StartedTusServer;
    let front: Front;
    /** Upload paths whose first PATCH was answered 503 (each upload then waits to retry). */
    const failedOnce = new Set<string>();
    let failFirstPatch = false;

    before(async () => {
      server = await real.start();
      front = await startFront({
        target: new URL(server.endpoint).origin,
        answer: (req) => {
          if (!failFirstPatch || req.method !== 'PATCH' || failedOnce.has(req.path))
            return undefined;
          failedOnce.add(req.path);
          return { status: 503, headers: { 'Tus-Resumable': '1.0.0' }, body: 'busy' };
        },
      });
    });
    after(async () => {
      await front?.close();
      await server?.close();
    });

    const cases = [
      { what: 'requests in flight (Node transport)', entry: 'Node', retry: false, parallel: 1 },
      { what: 'requests in flight (fetch transport)', entry: 'fetch', retry: false, parallel: 1 },
      { what: 'each upload waiting to retry a 503', entry: 'Node', retry: true, parallel: 1 },
      { what: 'each in 12 parallel partials', entry: 'Node', retry: false, parallel: 12 },
    ] as const;

    for (const c of cases) {
      it(`${c.what}: no MaxListenersExceededWarning, and no listener left on the signal`, async (t) => {
        failFirstPatch = c.retry;
        failedOnce.clear();
        const options = { chunkSize: 32 * KiB, retryDelay: 50 };
        const client =
          c.entry === 'Node'
            ? new TusClient(`${front.origin}/files`, options)
            : new FetchTusClient(`${front.origin}/files`, options);
        if (
          c.parallel > 1 &&
          !(await client.getServerInfo()).extensions.includes('concatenation')
        ) {
          await client.close();
          t.skip(`${real.name} here offers no concatenation`);
          return;
        }
        const controller = new AbortController();
        const inputs = Array.from({ length: UPLOADS }, (_, i) => bytes(128 * KiB, i + 1));
        let urls: string[] = [];
        try {
          const warnings = await warningsDuring(async () => {
            urls = await Promise.all(
              inputs.map((input) =>
                client.uploadFile({
                  input,
                  signal: controller.signal,
                  ...(c.parallel > 1 ? { parallelUploads: c.parallel } : {}),
                }),
              ),
            );
          });
          assert.deepEqual(
            warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
            [],
          );
          assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
          if (c.retry) assert.equal(failedOnce.size, UPLOADS, 'every upload retried once');
          for (const [i, url] of urls.entries()) {
            assert.equal(await sha256File(server.dataPath(url)), sha256(inputs[i]!));
          }
        } finally {
          await client.close();
        }
      });
    }

    it('the signal still aborts every one of them at once', async () => {
      failFirstPatch = false;
      const client = new TusClient(`${front.origin}/files`, { chunkSize: 16 * KiB });
      const controller = new AbortController();
      let started = 0;
      try {
        const all = Array.from({ length: UPLOADS }, (_, i) =>
          client.uploadFile({
            input: bytes(1024 * KiB, i + 1),
            signal: controller.signal,
            onProgress: (stats) => {
              if (stats.bytesUploaded > 0 && ++started === UPLOADS) controller.abort();
            },
          }),
        );
        const results = await Promise.allSettled(all);
        for (const result of results) {
          assert.equal(result.status, 'rejected');
          assert.equal((result.reason as { code?: string }).code, 'TUS_ERR_ABORTED');
        }
        assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
      } finally {
        await client.close();
      }
    });
  });
}

describe('the CLI at --concurrency 11', { timeout: 120_000 }, () => {
  let server: StartedTusServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    server = await REAL_SERVERS[0]!.start();
    dir = await tempDir();
  });
  after(async () => {
    await server?.close();
    await dir?.cleanup();
  });

  it(`uploads ${UPLOADS} files with no MaxListenersExceededWarning on stderr`, async () => {
    const files: string[] = [];
    for (let i = 0; i < UPLOADS; i++) {
      files.push(await dir.file(`file-${i}.bin`, bytes(256 * KiB, i + 1)));
    }
    const run = await spawnCli([
      'upload',
      ...files,
      '--endpoint',
      server.endpoint,
      '--concurrency',
      '11',
      '--chunk-size',
      '32k',
      '--no-store',
      '--quiet',
    ]).done;
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /MaxListenersExceededWarning|memory leak/, run.stderr);
    assert.equal(run.stdout.trim().split('\n').length, UPLOADS, run.stdout);
  });
});
