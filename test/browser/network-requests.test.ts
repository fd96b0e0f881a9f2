/**
 * Issue 18.3 in Chromium: `overridePatchMethod` (each PATCH a POST with
 * `X-HTTP-Method-Override`, past a hop that drops PATCH) and `addRequestId` from a page on
 * another origin, through the CORS preflight of our server; bytes checked on the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type StartedServer, startServer } from '../network/helpers/servers.js';
import { chromiumSkipReason } from './helpers/browser-env.js';
import { makeBytes, sha256Hex } from './helpers/bytes.js';
import {
  type BrowserSuite,
  evaluate,
  startBrowserSuite,
  type UploadResult,
} from './helpers/page.js';

const skip = chromiumSkipReason();

describe('overridePatchMethod and addRequestId in Chromium', { skip, timeout: 120_000 }, () => {
  let suite: BrowserSuite;
  let server: StartedServer;

  before(async () => {
    suite = await startBrowserSuite();
    server = await startServer({
      tus: { allowedOrigins: [suite.site.origin] },
      // A hop that drops PATCH.
      intercept: (req, res) => {
        if (req.method !== 'PATCH') return false;
        res.writeHead(405, { 'Access-Control-Allow-Origin': suite.site.origin }).end();
        return true;
      },
    });
  });
  after(async () => {
    await suite?.close();
    await server?.close();
  });

  const upload = (client: Record<string, unknown>) =>
    evaluate<UploadResult>(suite.page, 'upload', {
      endpoint: server.endpoint,
      size: 200 * 1024 + 3,
      seed: 12,
      kind: 'blob',
      client: { chunkSize: 64 * 1024, maxRetries: 0, ...client },
    });

  it('without the override the upload is refused (405)', async () => {
    const result = await upload({});
    assert.equal(result.error?.status, 405, JSON.stringify(result.error));
  });

  it('with it: POST + X-HTTP-Method-Override: PATCH, an X-Request-ID on each; bytes intact', async () => {
    const from = server.seen.length;
    const result = await upload({ overridePatchMethod: true, addRequestId: true });
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(await server.storedHash(result.url!), sha256Hex(makeBytes(200 * 1024 + 3, 12)));
    const actual = server.seen
      .slice(from)
      .filter((r) => r.headers['access-control-request-method'] === undefined);
    const appends = actual.filter((r) => r.headers['x-http-method-override'] === 'PATCH');
    assert.equal(appends.length, 4);
    assert.ok(appends.every((r) => r.method === 'POST'));
    const ids = actual.map((r) => r.headers['x-request-id']);
    assert.ok(
      ids.every((id) => typeof id === 'string' && id.length === 36),
      ids.join(),
    );
    assert.equal(new Set(ids).size, ids.length);
  });
});
