/**
 * The page-based tests every engine runs (engine-chromium/firefox/webkit.test.ts), through
 * the engine-neutral harness of engines.ts against our server on another origin: uploads of
 * File, Blob, Uint8Array and ReadableStream with checksums on and off, progress within a
 * request, abort and resume through storage across a reload, parallel uploads, the IETF
 * draft client, and the IndexedDB URL storage (in the page and from a Worker). Bytes are
 * checked on the server. `cannot` lists what an engine cannot do, each with its reason: those
 * tests are skipped saying so (docs/browser.md lists them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { WanProxy } from '../../helpers/wan-proxy.js';
import { fileSha256, makeBytes, sha256Hex } from './bytes.js';
import { type EngineName, type EngineSession, engineSkipReason, startEngine } from './engines.js';
import type { DescribedError, UploadResult } from './page.js';

const MiB = 1024 * 1024;
const KiB = 1024;

export type EngineCase = 'worker' | 'serviceWorker';

export function defineEngineSuite(
  engine: EngineName,
  cannot: Partial<Record<EngineCase, string>> = {},
): void {
  const skip = engineSkipReason(engine);
  describe(`the browser build in ${engine}`, { skip, timeout: 300_000 }, () => {
    let page: EngineSession;
    let ours: StartedOurServer;

    before(async () => {
      page = await startEngine(engine);
      ours = await startOurServer({ allowedOrigins: [page.origin] });
    });

    after(async () => {
      await page?.close();
      await ours?.close();
    });

    const upload = (o: Record<string, unknown>) =>
      page.call<UploadResult>('upload', { endpoint: ours.endpoint, ...o });

    const storedHash = async (result: UploadResult) => {
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.ok(result.url !== undefined);
      return fileSha256(ours.dataPath(result.url));
    };

    for (const kind of ['file', 'blob', 'bytes', 'stream'] as const) {
      for (const checksum of [true, false]) {
        it(`uploads a ${kind} (1 MiB + 13, 256 KiB chunks), checksums ${checksum ? 'on' : 'off'}`, async () => {
          const size = MiB + 13;
          const seed = kind.length + (checksum ? 10 : 20);
          const result = await upload({
            size,
            seed,
            kind,
            client: { checksum, chunkSize: 256 * KiB },
          });
          assert.equal(await storedHash(result), sha256Hex(makeBytes(size, seed)));
          assert.equal(
            result.hash,
            sha256Hex(makeBytes(size, seed)),
            'the page made the same bytes',
          );
          assert.deepEqual(result.progress, [1, 2, 3, 4].map((n) => n * 256 * KiB).concat(size));
          assert.equal(result.stats?.checksumAlgorithm, checksum ? 'sha1' : undefined);
        });
      }
    }

    it('progress events arrive within one 8 MiB request (XHR upload progress)', async () => {
      const wan = new WanProxy({
        targetPort: Number(new URL(ours.endpoint).port),
        delayMs: 10,
        rateBytesPerSecond: 4 * MiB,
      });
      const port = await wan.start();
      try {
        const size = 8 * MiB;
        const result = await upload({
          endpoint: `http://127.0.0.1:${port}/files`,
          size,
          seed: 62,
          client: { chunkSize: size },
        });
        assert.deepEqual(result.progress, [size], 'one chunk');
        assert.ok(result.inFlight.length >= 2, `${result.inFlight.length} reports within it`);
        assert.ok(result.inFlight.some((r) => r.sent > 0 && r.sent < size && r.confirmed === 0));
        assert.equal(await storedHash(result), sha256Hex(makeBytes(size, 62)));
      } finally {
        await wan.close();
      }
    });

    it('aborted half-way, then resumed through storeUrl after a reload', async () => {
      const size = 2 * MiB + 5;
      const client = { storeUrl: true, chunkSize: 256 * KiB };
      const first = await upload({ size, seed: 91, kind: 'file', client, abortAt: MiB });
      assert.equal(first.error?.name, 'TusAbortError', JSON.stringify(first.error));
      await page.reload();
      const found = await page.call<{ value?: { uploadUrl: string }[] }>('previous', {
        endpoint: ours.endpoint,
        size,
        seed: 91,
        kind: 'file',
        client,
      });
      assert.equal(found.value?.length, 1, JSON.stringify(found));
      const second = await upload({ size, seed: 91, kind: 'file', client });
      assert.equal(second.url, found.value?.[0]?.uploadUrl);
      assert.ok(
        (second.stats?.startOffset ?? 0) >= MiB,
        `resumed from ${second.stats?.startOffset}`,
      );
      assert.equal(await storedHash(second), sha256Hex(makeBytes(size, 91)));
    });

    it('parallelUploads 3 on a 3 MiB + 5 Blob', async () => {
      const size = 3 * MiB + 5;
      const result = await upload({ size, seed: 33, parallelUploads: 3 });
      assert.equal(result.progress.at(-1), size);
      assert.equal(await storedHash(result), sha256Hex(makeBytes(size, 33)));
    });

    it("the IETF draft client (protocol 'ietf-draft-12'), 1 MiB + 1 in 256 KiB chunks", async () => {
      const size = MiB + 1;
      const result = await upload({
        size,
        seed: 81,
        client: { protocol: 'ietf-draft-12', chunkSize: 256 * KiB },
      });
      assert.equal(await storedHash(result), sha256Hex(makeBytes(size, 81)));
      assert.equal(result.progress.at(-1), size);
    });

    for (const kind of ['web', 'indexeddb'] as const) {
      it(`the UrlStorage contract holds for the ${kind} storage`, async () => {
        const results = await page.call<{ name: string; error?: DescribedError }[]>(
          'storage.runContract',
          kind,
        );
        assert.equal(results.length, 7);
        const failed = results.filter((r) => r.error !== undefined);
        assert.deepEqual(failed, [], JSON.stringify(failed));
      });
    }

    it('IndexedDB: two connections storing 50 entries each at once keep 100', async () => {
      const name = `writers-${Date.now()}`;
      await Promise.all([
        page.call('storage.fill', name, 'a', 50),
        page.call('storage.fill', name, 'b', 50),
      ]);
      const stored = await page.call<string[]>('storage.listed', name);
      assert.equal(new Set(stored).size, 100);
    });

    it('IndexedDB: a refused open and a quota refusal are TusStorageErrors', async () => {
      const refused = await page.call<{ set: DescribedError; upload: DescribedError }>(
        'storage.refusedOpen',
        ours.endpoint,
      );
      assert.equal(refused.set.code, 'TUS_ERR_STORAGE', JSON.stringify(refused));
      assert.equal(refused.upload.code, 'TUS_ERR_STORAGE', JSON.stringify(refused));
      const quota = await page.call<{ set: DescribedError }>('storage.quotaRefused');
      assert.equal(quota.set.code, 'TUS_ERR_STORAGE', JSON.stringify(quota));
      assert.match(quota.set.message, /QuotaExceededError/);
    });

    it('storeUrl in a dedicated Worker keeps the URL in IndexedDB and resumes from it', {
      skip: cannot.worker,
    }, async () => {
      const size = 1_000_003;
      const out = await page.call<{
        hasLocalStorage: boolean;
        firstError?: DescribedError;
        stored: string[];
        url: string;
        startOffset: number;
        error?: DescribedError;
      }>('storage.inWorker', {
        endpoint: ours.endpoint,
        size,
        seed: 71,
        chunkSize: 200_000,
        abortAt: 400_000,
      });
      assert.equal(out.error, undefined, JSON.stringify(out));
      assert.equal(out.hasLocalStorage, false);
      assert.equal(out.firstError?.name, 'TusAbortError', JSON.stringify(out.firstError));
      assert.deepEqual([out.url], out.stored);
      assert.ok(out.startOffset >= 400_000, `resumed from ${out.startOffset}`);
      assert.equal(await fileSha256(ours.dataPath(out.url)), sha256Hex(makeBytes(size, 71)));
    });

    it('storeUrl in a Service Worker (no localStorage, no XMLHttpRequest) resumes through IndexedDB', {
      skip: cannot.serviceWorker,
    }, async () => {
      const size = 700_001;
      const out = await page.call<{
        hasLocalStorage: boolean;
        hasXhr: boolean;
        firstError?: DescribedError;
        stored: string[];
        url: string;
        startOffset: number;
        error?: DescribedError;
        unsupported?: string;
      }>('storage.inServiceWorker', {
        endpoint: ours.endpoint,
        size,
        seed: 72,
        chunkSize: 100_000,
        abortAt: 300_000,
      });
      assert.equal(out.unsupported, undefined, out.unsupported);
      assert.equal(out.error, undefined, JSON.stringify(out));
      assert.equal(out.hasLocalStorage, false);
      assert.equal(out.hasXhr, false);
      assert.equal(out.firstError?.name, 'TusAbortError', JSON.stringify(out.firstError));
      assert.deepEqual([out.url], out.stored);
      assert.ok(out.startOffset >= 300_000, `resumed from ${out.startOffset}`);
      assert.equal(await fileSha256(ours.dataPath(out.url)), sha256Hex(makeBytes(size, 72)));
    });
  });
}
