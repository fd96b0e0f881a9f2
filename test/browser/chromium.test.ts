/**
 * The built browser bundle (dist/index.browser.js) in real headless Chromium, uploading to
 * @tus/server on another port of 127.0.0.1 (another origin, so CORS is real). The bytes
 * the server stored are checked by hash against the bytes the page made.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TusClient as NodeTusClient } from '../../src/index.node.js';
import { type StartedTusServer, startTusNodeServer } from '../helpers/tus-node-server.js';
import {
  chromiumSkipReason,
  harnessFiles,
  launchChromium,
  type StaticServer,
  startStaticServer,
} from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import {
  type DescribedError,
  describeNodeError,
  evaluate,
  openHarness,
  type UploadResult,
} from './helpers/page.js';

const MiB = 1024 * 1024;
const skip = chromiumSkipReason();

describe('the browser bundle in headless Chromium', { skip, timeout: 180_000 }, () => {
  let browser: Browser;
  let page: Page;
  let site: StaticServer;
  let tus: StartedTusServer;

  before(async () => {
    tus = await startTusNodeServer();
    site = await startStaticServer(harnessFiles());
    browser = await launchChromium();
    page = await openHarness(browser, site.origin);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await tus?.close();
  });

  it('the page and the server are on different origins (CORS is exercised)', () => {
    assert.notEqual(new URL(site.origin).origin, new URL(tus.endpoint).origin);
  });

  it('uploads a 20 MiB Blob made in the page, byte for byte', async () => {
    const size = 20 * MiB;
    const result = await evaluate<UploadResult>(page, 'upload', {
      endpoint: tus.endpoint,
      size,
      seed: 7,
      kind: 'blob',
      client: { chunkSize: 4 * MiB },
    });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.ok(result.url?.startsWith(`${tus.endpoint}/`), result.url);
    const expected = sha256Hex(makeBytes(size, 7));
    assert.equal(result.hash, expected, 'the page and Node make the same bytes');
    assert.equal(await fileSha256(tus.dataPath(result.url!)), expected);
    assert.deepEqual(
      result.progress,
      [4, 8, 12, 16, 20].map((n) => n * MiB),
    );
    assert.equal(result.stats?.chunksCompleted, 5);
    assert.equal(result.stats?.totalBytes, size);
  });

  for (const kind of ['file', 'bytes', 'stream'] as const) {
    it(`uploads a ${kind} input (3 MiB + 17 bytes, 1 MiB chunks)`, async () => {
      const size = 3 * MiB + 17;
      const result = await evaluate<UploadResult>(page, 'upload', {
        endpoint: tus.endpoint,
        size,
        seed: 11,
        kind,
        client: { chunkSize: MiB },
        metadata: { filename: 'über.bin', kind },
      });
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal(await fileSha256(tus.dataPath(result.url!)), sha256Hex(makeBytes(size, 11)));
      assert.deepEqual(result.progress, [1 * MiB, 2 * MiB, 3 * MiB, size]);
      const info = await evaluate<{ value?: { metadata: Record<string, string> } }>(
        page,
        'call',
        tus.endpoint,
        {},
        'getUploadInfo',
        result.url,
      );
      assert.deepEqual(info.value?.metadata, { filename: 'über.bin', kind });
    });
  }

  it('abort through an AbortController stops half-way with a TusAbortError', async () => {
    const size = 8 * MiB;
    const result = await evaluate<UploadResult>(page, 'upload', {
      endpoint: tus.endpoint,
      size,
      kind: 'blob',
      client: { chunkSize: 512 * 1024 },
      abortAt: 2 * MiB,
    });
    const error = result.error;
    assert.equal(error?.name, 'TusAbortError', JSON.stringify(error));
    assert.equal(error?.code, 'TUS_ERR_ABORTED');
    assert.equal(error?.isTusError, true);
    assert.ok(error.offset !== undefined && error.offset >= 2 * MiB && error.offset < size);
    assert.equal(error.uploadUrl, result.stats?.uploadUrl);
    const server = new NodeTusClient(tus.endpoint);
    try {
      const info = await server.getUploadInfo(error.uploadUrl!);
      assert.equal(info.offset, error.offset, 'the server holds what the error says');
      assert.equal(info.complete, false);
    } finally {
      await server.close();
    }
  });

  it('resumes after a page reload from the URL kept in localStorage', async () => {
    const size = 6 * MiB;
    const key = `upload-${Date.now()}`;
    const first = await evaluate<UploadResult>(page, 'upload', {
      endpoint: tus.endpoint,
      size,
      seed: 3,
      kind: 'file',
      client: { chunkSize: 512 * 1024 },
      storeKey: key,
      abortAt: 2 * MiB,
    });
    assert.equal(first.error?.code, 'TUS_ERR_ABORTED', JSON.stringify(first.error));
    const heldBefore = first.error.offset!;
    await page.reload();
    await page.waitForFunction('window.harnessReady === true', undefined, { timeout: 15_000 });
    const second = await evaluate<UploadResult>(page, 'upload', {
      endpoint: tus.endpoint,
      size,
      seed: 3,
      kind: 'file',
      client: { chunkSize: 512 * 1024 },
      resumeFrom: key,
    });
    assert.equal(second.error, undefined, JSON.stringify(second.error));
    assert.equal(second.resumedFrom, first.stats?.uploadUrl);
    assert.equal(second.url, first.stats?.uploadUrl);
    assert.equal(second.stats?.startOffset, heldBefore, 'picked up where the server was');
    assert.ok(second.progress[0]! > heldBefore);
    assert.equal(second.progress.at(-1), size);
    assert.equal(await fileSha256(tus.dataPath(second.url!)), sha256Hex(makeBytes(size, 3)));
  });

  it('checksum: true uses none against a server without the checksum extension', async () => {
    const result = await evaluate<UploadResult>(page, 'upload', {
      endpoint: tus.endpoint,
      size: 1000,
      kind: 'bytes',
      client: { checksum: true },
    });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.stats?.checksumAlgorithm, undefined);
  });

  it('constructor errors are TypeError / RangeError naming the option', async () => {
    const bad = await evaluate<{ error?: DescribedError }>(page, 'construct', tus.endpoint, {
      chunkSize: 'big',
    });
    assert.equal(bad.error?.name, 'TypeError');
    assert.match(bad.error?.message ?? '', /chunkSize/);
    const tls = await evaluate<{ error?: DescribedError }>(page, 'construct', tus.endpoint, {
      verifyTlsCert: false,
    });
    assert.equal(tls.error?.name, 'RangeError');
    assert.match(tls.error?.message ?? '', /verifyTlsCert/);
  });
});

describe('errors in Chromium are the typed errors of Node', { skip, timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;
  let site: StaticServer;
  let tus: StartedTusServer;
  let failing: StartedTusServer;

  before(async () => {
    tus = await startTusNodeServer();
    // Creation fails with a 500; CORS headers are there, so the browser can read the status.
    failing = await startTusNodeServer({
      intercept(req, res) {
        if (req.method !== 'POST') return false;
        res.writeHead(500, {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Expose-Headers': 'Tus-Resumable',
          'Content-Type': 'text/plain',
        });
        res.end('storage is full');
        return true;
      },
    });
    site = await startStaticServer(harnessFiles());
    browser = await launchChromium();
    page = await openHarness(browser, site.origin);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await tus?.close();
    await failing?.close();
  });

  /** Runs one upload in the page and in Node; both must fail alike. */
  async function both(
    endpoint: string,
    clientOptions: Record<string, unknown>,
    extra: { uploadUrl?: string } = {},
  ): Promise<[DescribedError, DescribedError]> {
    const size = 2000;
    const inPage = await evaluate<UploadResult>(page, 'upload', {
      endpoint,
      size,
      kind: 'bytes',
      client: clientOptions,
      ...(extra.uploadUrl === undefined ? {} : { resumeUrl: extra.uploadUrl }),
    });
    const client = new NodeTusClient(endpoint, clientOptions);
    let inNode: DescribedError | undefined;
    try {
      const input = makeBytes(size);
      if (extra.uploadUrl === undefined) await client.uploadFile({ input });
      else await client.resumeUpload({ input, uploadUrl: extra.uploadUrl });
    } catch (error) {
      inNode = describeNodeError(error);
    } finally {
      await client.close();
    }
    assert.ok(inPage.error !== undefined, 'the page upload failed');
    assert.ok(inNode !== undefined, 'the Node upload failed');
    assert.equal(inPage.error.name, inNode.name, `${inPage.error.message} | ${inNode.message}`);
    assert.equal(inPage.error.code, inNode.code);
    assert.equal(inPage.error.status, inNode.status);
    assert.equal(inPage.error.causeName, inNode.causeName);
    assert.equal(inPage.error.causeCode, inNode.causeCode);
    assert.equal(inPage.error.isTusError, true);
    return [inPage.error, inNode];
  }

  it('a 500 on creation', async () => {
    const [inPage] = await both(failing.endpoint, { maxRetries: 0 });
    assert.equal(inPage.status, 500);
    assert.match(inPage.message, /storage is full/);
  });

  it('a 404 when resuming an upload the server does not know', async () => {
    const [inPage] = await both(
      tus.endpoint,
      { maxRetries: 0 },
      {
        uploadUrl: `${tus.endpoint}/0123456789abcdef`,
      },
    );
    assert.equal(inPage.status, 404);
  });

  it('sha256 asked of a server without the checksum extension', async () => {
    const [inPage] = await both(tus.endpoint, { checksum: 'sha256' });
    assert.equal(inPage.code, 'TUS_ERR_CHECKSUM_UNSUPPORTED');
    assert.equal(inPage.algorithm, 'sha256');
  });

  it('nothing listening (connection refused)', async () => {
    const closed = await startTusNodeServer();
    const endpoint = closed.endpoint;
    await closed.close();
    const [inPage] = await both(endpoint, { maxRetries: 0 });
    // No retries left: TusUploadFailed, caused by the TusNetworkError.
    assert.equal(inPage.code, 'TUS_ERR_UPLOAD_FAILED');
    assert.equal(inPage.causeCode, 'TUS_ERR_NETWORK');
  });
});
