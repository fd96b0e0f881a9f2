/**
 * Issue 18.3, what every request can carry, against our server with the bytes checked:
 * `overridePatchMethod` (PATCH sent as POST with `X-HTTP-Method-Override`, past a hop that
 * drops PATCH), `addRequestId` (an `X-Request-ID` per request), and the per-call `headers`
 * and `endpoint` of `uploadFile`/`resumeUpload`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../src/index.node.js';
import { dropPatch, patternBytes, type StartedServer, startServer } from './helpers/servers.js';

const input = patternBytes(150 * 1024, 3);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('overridePatchMethod', { timeout: 60_000 }, () => {
  let server: StartedServer;
  before(async () => {
    server = await startServer({ intercept: dropPatch });
  });
  after(() => server.close());

  it('without it, a hop that drops PATCH fails the upload', async () => {
    const client = new TusClient(server.endpoint, { maxRetries: 0 });
    try {
      await assert.rejects(client.uploadFile({ input: input.bytes }), { status: 405 });
    } finally {
      await client.close();
    }
  });

  it('with it, every PATCH goes as POST + X-HTTP-Method-Override: PATCH; bytes intact', async () => {
    const hooks: string[] = [];
    const client = new TusClient(server.endpoint, {
      overridePatchMethod: true,
      chunkSize: 32 * 1024,
      beforeRequest: (method, _url, headers) => {
        hooks.push(`${method} ${headers['X-HTTP-Method-Override'] ?? ''}`.trim());
      },
    });
    const from = server.seen.length;
    try {
      const url = await client.uploadFile({ input: input.bytes });
      assert.equal(await server.storedHash(url), input.hash);
      // Resuming a complete upload reads its offset; nothing else to send.
      await client.resumeUpload({ uploadUrl: url, input: input.bytes });
    } finally {
      await client.close();
    }
    const seen = server.seen.slice(from);
    assert.equal(seen.filter((r) => r.method === 'PATCH').length, 0);
    const appends = seen.filter((r) => r.headers['x-http-method-override'] === 'PATCH');
    assert.ok(appends.length >= 5, `${appends.length} appends`);
    assert.ok(appends.every((r) => r.method === 'POST' && r.url !== '/files'));
    assert.ok(hooks.includes('POST PATCH'), 'beforeRequest sees the method on the wire');
  });
});

describe('addRequestId, per-call headers and endpoint', { timeout: 60_000 }, () => {
  let first: StartedServer;
  let second: StartedServer;
  before(async () => {
    first = await startServer();
    second = await startServer();
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it('addRequestId: a new UUID in X-Request-ID on every request; none without it', async () => {
    const from = first.seen.length;
    const client = new TusClient(first.endpoint, { addRequestId: true, chunkSize: 50 * 1024 });
    try {
      const url = await client.uploadFile({ input: input.bytes });
      assert.equal(await first.storedHash(url), input.hash);
      await client.getUploadInfo(url);
      await client.deleteUpload(url);
    } finally {
      await client.close();
    }
    const ids = first.seen.slice(from).map((r) => String(r.headers['x-request-id']));
    assert.ok(ids.length >= 6, ids.join());
    for (const id of ids) assert.match(id, UUID);
    assert.equal(new Set(ids).size, ids.length, 'each request its own id');

    const plainFrom = first.seen.length;
    const plain = new TusClient(first.endpoint);
    try {
      await plain.uploadFile({ input: input.bytes });
    } finally {
      await plain.close();
    }
    assert.ok(first.seen.slice(plainFrom).every((r) => r.headers['x-request-id'] === undefined));
  });

  it("a call's headers go over the client's (any case), on every request of that call only", async () => {
    const client = new TusClient(first.endpoint, {
      headers: { 'X-Tenant': 'client', 'X-Trace': 'client' },
      chunkSize: 50 * 1024,
    });
    try {
      const from = first.seen.length;
      const url = await client.uploadFile({
        input: input.bytes,
        headers: { 'x-trace': 'call-1' },
        stopAt: 50 * 1024,
      });
      const afterUpload = first.seen.length;
      await client.resumeUpload({
        uploadUrl: url,
        input: input.bytes,
        headers: { 'X-Trace': 'call-2' },
      });
      assert.equal(await first.storedHash(url), input.hash);
      const afterResume = first.seen.length;
      await client.getUploadInfo(url);

      const traces = (a: number, b: number) =>
        first.seen
          .slice(a, b)
          .map((r) => `${r.method} ${r.headers['x-tenant']} ${r.headers['x-trace']}`);
      for (const line of traces(from, afterUpload)) assert.match(line, / client call-1$/);
      for (const line of traces(afterUpload, afterResume)) assert.match(line, / client call-2$/);
      assert.deepEqual(traces(afterResume, first.seen.length), ['HEAD client client']);
    } finally {
      await client.close();
    }
  });

  it("a call's endpoint: the upload is made there (with the client's credentials for its origin)", async () => {
    const client = new TusClient(first.endpoint, { headers: { Authorization: 'Bearer t0ken' } });
    const firstFrom = first.seen.length;
    const secondFrom = second.seen.length;
    try {
      const url = await client.uploadFile({ input: input.bytes, endpoint: second.endpoint });
      assert.ok(url.startsWith(new URL(second.endpoint).origin), url);
      assert.equal(await second.storedHash(url), input.hash);
    } finally {
      await client.close();
    }
    assert.equal(first.seen.length, firstFrom, 'nothing went to the client endpoint');
    const seen = second.seen.slice(secondFrom);
    assert.ok(
      seen.some((r) => r.method === 'OPTIONS'),
      "the call's endpoint was asked its extensions",
    );
    assert.ok(seen.every((r) => r.headers.authorization === 'Bearer t0ken'));
  });
});
