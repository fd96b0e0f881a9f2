/**
 * Issue 25.9, in Chromium: every browser input kind (File, Blob, Uint8Array, ReadableStream)
 * × `storeUrl` on/off × checksum on/off × fixed/auto chunk size, through the built bundle,
 * each uploading 2 MiB + 12,345 bytes (past the fingerprint's 1 MiB block, not a multiple of
 * the chunk size) to our server on another origin, the stored bytes checked against the
 * page's. A `Blob` over 1 MiB with `storeUrl` once failed before any request (the
 * fingerprint reused a block a BYOB read had detached). One server, one page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { chromiumSkipReason } from './helpers/browser-env.js';
import { fileSha256, makeBytes, sha256Hex } from './helpers/bytes.js';
import {
  type BrowserSuite,
  evaluate,
  startBrowserSuite,
  type UploadResult,
} from './helpers/page.js';

const SIZE = 2 * 1024 * 1024 + 12_345;
const FIXED_CHUNK = 512 * 1024;
const KINDS = ['file', 'blob', 'bytes', 'stream'] as const;
const skip = chromiumSkipReason();

describe('the input matrix (Chromium): every input kind × storeUrl × checksum × chunk sizing', {
  skip,
  timeout: 300_000,
}, () => {
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

  let seed = 100;
  for (const kind of KINDS) {
    for (const storeUrl of [false, true]) {
      for (const checksum of [false, 'sha256'] as const) {
        for (const chunkSize of [FIXED_CHUNK, 'auto'] as const) {
          const name = `${kind}, storeUrl ${storeUrl ? 'on' : 'off'}, checksum ${checksum || 'off'}, chunks ${chunkSize === 'auto' ? 'auto' : 'fixed'}`;
          const caseSeed = seed++;
          it(name, async () => {
            const result = await evaluate<UploadResult>(suite.page, 'upload', {
              endpoint: ours.endpoint,
              size: SIZE,
              seed: caseSeed,
              kind,
              client: { storeUrl, checksum, chunkSize, retryDelay: 10 },
              memoryStorage: true,
              // A stream has no fingerprint of its own: its user names it.
              ...(storeUrl && kind === 'stream' ? { fingerprintAs: `stream-${caseSeed}` } : {}),
            });
            assert.equal(result.error, undefined, JSON.stringify(result.error));
            assert.ok(result.url !== undefined);
            const expected = sha256Hex(makeBytes(SIZE, caseSeed));
            assert.equal(result.hash, expected, 'the page made the same bytes');
            assert.equal(await fileSha256(ours.dataPath(result.url)), expected, 'bytes stored');
            assert.equal(result.progress.at(-1), SIZE);
            assert.equal(
              result.stats?.checksumAlgorithm,
              checksum === false ? undefined : checksum,
            );
            // With storeUrl the URL was stored by the time it was announced, else not.
            assert.deepEqual(result.storedUrls, storeUrl ? [result.url] : []);
          });
        }
      }
    }
  }
});
