/**
 * Issue 18.3 in the tus-js-client face: `overridePatchMethod` (past a hop that drops
 * PATCH, bytes checked on our server) and `withCredentials` set on the underlying object in
 * `onBeforeRequest` (as Uppy does) becoming the request's `credentials`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CredentialScope } from '../../src/compat/credential-scope.js';
import { RequestTrail } from '../../src/compat/request-trail.js';
import type { HttpRequest } from '../../src/index.tus-js-client.node.js';
import type { RequestSettings } from '../../src/types.js';
import { startUpload } from '../compat/run-upload.js';
import { dropPatch, patternBytes, type StartedServer, startServer } from './helpers/servers.js';

describe('the compat face: overridePatchMethod', { timeout: 60_000 }, () => {
  let server: StartedServer;
  before(async () => {
    server = await startServer({ intercept: dropPatch });
  });
  after(() => server.close());

  it('sends PATCH as POST + X-HTTP-Method-Override, as tus-js-client does; bytes intact', async () => {
    const input = patternBytes(100 * 1024, 9);
    const seen: string[] = [];
    const run = startUpload(Buffer.from(input.bytes), {
      endpoint: server.endpoint,
      chunkSize: 40 * 1024,
      overridePatchMethod: true,
      onBeforeRequest: (req: HttpRequest) => {
        seen.push(`${req.getMethod()} ${req.getHeader('X-HTTP-Method-Override') ?? '-'}`);
      },
    });
    await run.done;
    assert.equal(await server.storedHash(run.upload.url!), input.hash);
    assert.equal(seen.filter((line) => line === 'POST PATCH').length, 3, seen.join());
    assert.ok(!seen.some((line) => line.startsWith('PATCH')));
    assert.ok(server.seen.every((r) => r.method !== 'PATCH'));
  });

  it('without it the hop refuses the upload (the case the option is for)', async () => {
    const run = startUpload(Buffer.from('abc'), { endpoint: server.endpoint, retryDelays: null });
    await assert.rejects(run.done, (error: { originalResponse?: { getStatus(): number } }) => {
      assert.equal(error.originalResponse?.getStatus(), 405);
      return true;
    });
  });
});

describe('the compat face: withCredentials', () => {
  const settle = async (set: boolean | undefined, start: RequestSettings['credentials']) => {
    const trail = new RequestTrail(
      {
        onBeforeRequest: (req: HttpRequest) => {
          const xhr = req.getUnderlyingObject() as { withCredentials: boolean };
          assert.equal(xhr.withCredentials, start === 'include', 'starts as the client says');
          if (set !== undefined) xhr.withCredentials = set;
        },
      },
      new AbortController().signal,
      () => {},
      new CredentialScope('https://tus.example/files', {}),
    );
    const settings: RequestSettings = { credentials: start };
    await trail.hooks().beforeRequest?.('PATCH', 'https://tus.example/files/1', {}, settings);
    return settings.credentials;
  };

  it("onBeforeRequest's xhr.withCredentials = true becomes credentials: 'include'", async () => {
    assert.equal(await settle(true, 'same-origin'), 'include');
  });
  it("= false becomes 'same-origin'; untouched keeps what it was", async () => {
    assert.equal(await settle(false, 'include'), 'same-origin');
    assert.equal(await settle(undefined, 'same-origin'), 'same-origin');
    assert.equal(await settle(undefined, 'include'), 'include');
  });
});
