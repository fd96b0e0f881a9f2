/**
 * The built browser bundle in headless Chromium against our own server (src/server) on
 * another origin: Web Crypto checksums, parallel uploads, resume through localStorage
 * (storeUrl) across a page reload, and CORS refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient as NodeTusClient } from '../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { chromiumSkipReason } from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import {
  type BrowserSuite,
  type DescribedError,
  describeNodeError,
  evaluate,
  startBrowserSuite,
  type UploadResult,
} from './helpers/page.js';

const MiB = 1024 * 1024;
const skip = chromiumSkipReason();

describe('Chromium against our server', { skip, timeout: 180_000 }, () => {
  let suite: BrowserSuite;
  let ours: StartedOurServer;

  before(async () => {
    suite = await startBrowserSuite();
    ours = await startOurServer({ allowedOrigins: [suite.origin] });
  });

  after(async () => {
    await suite?.close();
    await ours?.close();
  });

  const upload = (o: Record<string, unknown>) =>
    evaluate<UploadResult>(suite.page, 'upload', { endpoint: ours.endpoint, ...o });

  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    it(`${algorithm} checksums on every PATCH (Web Crypto), 5 MiB + 3 in 1 MiB chunks`, async () => {
      const size = 5 * MiB + 3;
      const result = await upload({
        size,
        seed: 21,
        kind: 'blob',
        client: { checksum: algorithm, chunkSize: MiB },
      });
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.equal(result.stats?.checksumAlgorithm, algorithm);
      assert.equal(result.stats?.chunksCompleted, 6);
      assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 21)));
    });
  }

  it('checksum: true picks sha1 from what the server offers', async () => {
    const result = await upload({ size: 3000, kind: 'bytes' });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.stats?.checksumAlgorithm, 'sha1');
  });

  it('md5 (offered by the server, absent from Web Crypto) is a TusChecksumUnsupportedError', async () => {
    const result = await upload({ size: 3000, kind: 'bytes', client: { checksum: 'md5' } });
    assert.equal(result.error?.name, 'TusChecksumUnsupportedError', JSON.stringify(result.error));
    assert.equal(result.error.code, 'TUS_ERR_CHECKSUM_UNSUPPORTED');
    assert.match(result.error.message, /md5.*platform/);
  });

  it('a wrong checksum fails as in Node (460 from the server)', async () => {
    const size = 3000;
    const inPage = await upload({
      size,
      kind: 'bytes',
      client: { checksum: 'sha256', maxRetries: 0 },
      tamperChecksum: true,
    });
    const client = new NodeTusClient(ours.endpoint, {
      checksum: 'sha256',
      maxRetries: 0,
      beforeRequest: (_method, _url, headers) => {
        const value = headers['Upload-Checksum'];
        if (value !== undefined) {
          headers['Upload-Checksum'] = `sha256 ${Buffer.from('x'.repeat(32)).toString('base64')}`;
        }
      },
    });
    let inNode: DescribedError | undefined;
    try {
      await client.uploadFile({ input: makeBytes(size) });
    } catch (error) {
      inNode = describeNodeError(error);
    } finally {
      await client.close();
    }
    assert.ok(inPage.error !== undefined && inNode !== undefined);
    assert.equal(inPage.error.name, inNode.name, `${inPage.error.message} | ${inNode.message}`);
    assert.equal(inPage.error.code, inNode.code);
    assert.equal(inPage.error.status, 460);
    assert.equal(inPage.error.causeCode, inNode.causeCode);
    assert.equal(inPage.error.causeCode, 'TUS_ERR_CHECKSUM_MISMATCH');
  });

  it('parallelUploads 3 on a 9 MiB + 5 Blob: three partials, one final, the same bytes', async () => {
    const size = 9 * MiB + 5;
    const result = await upload({ size, seed: 33, kind: 'blob', parallelUploads: 3 });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.progress.at(-1), size);
    assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 33)));
  });

  it('a ReadableStream of unknown size: the length is deferred and sent at the end', async () => {
    const size = 2 * MiB + 7;
    const result = await upload({ size, seed: 55, kind: 'stream', unknownSize: true });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.progress.at(-1), size);
    assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 55)));
    const info = await evaluate<{ value?: { length?: number; complete: boolean } }>(
      suite.page,
      'call',
      ours.endpoint,
      {},
      'getUploadInfo',
      result.url,
    );
    assert.equal(info.value?.length, size);
    assert.equal(info.value?.complete, true);
  });

  it('storeUrl: aborted half-way, the page reloaded, the same File resumes from localStorage', async () => {
    const size = 6 * MiB;
    const o = { size, seed: 44, kind: 'file', client: { storeUrl: true, chunkSize: 512 * 1024 } };
    const first = await upload({ ...o, abortAt: 2 * MiB });
    assert.equal(first.error?.code, 'TUS_ERR_ABORTED', JSON.stringify(first.error));
    const held = first.error.offset!;

    await suite.page.reload();
    await suite.page.waitForFunction('window.harnessReady === true', undefined, {
      timeout: 15_000,
    });
    const keys = await evaluate<string[]>(suite.page, 'storageKeys');
    assert.ok(
      keys.some((k) => k.startsWith('resumable-upload::file:generated.bin--')),
      `localStorage keys: ${keys.join(', ')}`,
    );
    const found = await evaluate<{ value?: { uploadUrl: string }[] }>(suite.page, 'previous', {
      endpoint: ours.endpoint,
      ...o,
    });
    assert.equal(found.value?.length, 1, JSON.stringify(found));
    assert.equal(found.value[0]?.uploadUrl, first.error.uploadUrl);

    const second = await upload(o);
    assert.equal(second.error, undefined, JSON.stringify(second.error));
    assert.equal(second.url, first.error.uploadUrl, 'the same upload was continued');
    assert.equal(second.stats?.startOffset, held);
    assert.equal(await fileSha256(ours.dataPath(second.url!)), sha256Hex(makeBytes(size, 44)));
    const after = await evaluate<{ value?: unknown[] }>(suite.page, 'previous', {
      endpoint: ours.endpoint,
      ...o,
    });
    assert.deepEqual(after.value, [], 'a finished upload is forgotten');
  });
});

describe('CORS refusals reach the page as network errors', { skip, timeout: 120_000 }, () => {
  let suite: BrowserSuite;
  let allowed: StartedOurServer;
  let refused: StartedOurServer;

  before(async () => {
    suite = await startBrowserSuite();
    allowed = await startOurServer({ allowedOrigins: [suite.origin] });
    refused = await startOurServer({ allowedOrigins: ['https://elsewhere.example'] });
  });

  after(async () => {
    await suite?.close();
    await allowed?.close();
    await refused?.close();
  });

  it('a server that lists the page origin is usable', async () => {
    const result = await evaluate<UploadResult>(suite.page, 'upload', {
      endpoint: allowed.endpoint,
      size: 100_000,
      kind: 'blob',
    });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(await fileSha256(allowed.dataPath(result.url!)), sha256Hex(makeBytes(100_000)));
  });

  it('a server that does not list it: TusNetworkError, as the browser hides the answer', async () => {
    const result = await evaluate<{ error?: DescribedError }>(
      suite.page,
      'call',
      refused.endpoint,
      { maxRetries: 0 },
      'getServerInfo',
    );
    assert.equal(result.error?.name, 'TusNetworkError', JSON.stringify(result.error));
    assert.equal(result.error.code, 'TUS_ERR_NETWORK');
    // The server itself answers (Node is not bound by CORS): it was the browser refusing.
    const client = new NodeTusClient(refused.endpoint);
    try {
      assert.ok((await client.getServerInfo()).extensions.includes('creation'));
    } finally {
      await client.close();
    }
  });
});

describe('a page that is not a secure context (no Web Crypto)', { skip, timeout: 120_000 }, () => {
  let suite: BrowserSuite;
  let ours: StartedOurServer;

  before(async () => {
    suite = await startBrowserSuite('insecure.test');
    ours = await startOurServer({ allowedOrigins: [suite.origin] });
  });

  after(async () => {
    await suite?.close();
    await ours?.close();
  });

  it('the page really is on http://insecure.test, without crypto.subtle', async () => {
    assert.equal(await suite.page.evaluate('location.hostname'), 'insecure.test');
    assert.equal(await suite.page.evaluate('isSecureContext'), false);
    assert.equal(await suite.page.evaluate('typeof crypto.subtle'), 'undefined');
  });

  it('checksum: true uploads without checksums, and says so in stats', async () => {
    const size = 2 * MiB + 9;
    const result = await evaluate<UploadResult>(suite.page, 'upload', {
      endpoint: ours.endpoint,
      size,
      seed: 61,
      kind: 'bytes',
      // The harness hashes with crypto.subtle too: it cannot here, so it skips that.
      noHash: true,
    });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.stats?.checksumAlgorithm, undefined);
    assert.equal(await fileSha256(ours.dataPath(result.url!)), sha256Hex(makeBytes(size, 61)));
  });

  it('an explicit sha256 is a TusChecksumUnsupportedError naming the platform', async () => {
    const result = await evaluate<UploadResult>(suite.page, 'upload', {
      endpoint: ours.endpoint,
      size: 1000,
      kind: 'bytes',
      noHash: true,
      client: { checksum: 'sha256' },
    });
    assert.equal(result.error?.code, 'TUS_ERR_CHECKSUM_UNSUPPORTED', JSON.stringify(result.error));
    assert.match(result.error.message, /sha256.*platform/);
  });
});
