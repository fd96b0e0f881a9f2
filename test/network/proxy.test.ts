/**
 * Issue 18.3: uploads through a real HTTP proxy (the `proxy` package) on 127.0.0.1. An
 * `http:` server is reached in absolute form, an `https:` one (a private CA's certificate)
 * through a `CONNECT` tunnel; the proxy's user and password reach the proxy only, and no
 * error shows them. The bytes are checked on the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { TusClient, TusProxyError } from '../../src/index.node.js';
import { privatePki } from './helpers/pki.js';
import {
  patternBytes,
  type StartedProxy,
  type StartedServer,
  startProxy,
  startServer,
} from './helpers/servers.js';

const pki = privatePki();
const CREDENTIALS = { user: 'uploader', password: 'pr0xy-s3cret' };
const input = patternBytes(300 * 1024);

describe('through an HTTP proxy', { timeout: 120_000 }, () => {
  let proxy: StartedProxy;
  let plain: StartedServer;
  let secure: StartedServer | undefined;
  const expectedAuth = `Basic ${Buffer.from(`${CREDENTIALS.user}:${CREDENTIALS.password}`).toString('base64')}`;

  before(async () => {
    proxy = await startProxy(CREDENTIALS);
    plain = await startServer();
    if (pki !== undefined) secure = await startServer({ pki });
  });
  after(async () => {
    await proxy.close();
    await plain.close();
    await secure?.close();
  });

  it('an http: server in absolute form: every request through the proxy, bytes intact', async () => {
    const client = new TusClient(plain.endpoint, {
      proxy: proxy.urlWithCredentials,
      chunkSize: 64 * 1024,
      checksum: 'sha256',
    });
    try {
      const url = await client.uploadFile({ input: input.bytes });
      assert.equal(await plain.storedHash(url), input.hash);
    } finally {
      await client.close();
    }
    const origin = new URL(plain.endpoint).origin;
    const methods = proxy.forwarded.map((r) => r.method);
    assert.ok(
      methods.includes('POST') && methods.filter((m) => m === 'PATCH').length >= 5,
      methods.join(),
    );
    assert.equal(proxy.forwarded.length, plain.seen.length, 'the server saw only proxied requests');
    for (const request of proxy.forwarded) {
      assert.ok(request.target.startsWith(`${origin}/files`), request.target);
      assert.equal(request.proxyAuthorization, expectedAuth);
    }
    for (const request of plain.seen) {
      assert.equal(
        request.headers['proxy-authorization'],
        undefined,
        'no proxy credentials at the server',
      );
    }
  });

  it('an https: server through a CONNECT tunnel (kept alive), bytes intact', {
    skip: pki === undefined,
  }, async () => {
    assert.ok(secure !== undefined && pki !== undefined);
    const tunnelsBefore = proxy.tunnels.length;
    const client = new TusClient(secure.endpoint, {
      proxy: proxy.urlWithCredentials,
      ca: pki.ca,
      chunkSize: 64 * 1024,
    });
    try {
      const url = await client.uploadFile({ input: input.bytes });
      assert.equal(await secure.storedHash(url), input.hash);
    } finally {
      await client.close();
    }
    const tunnels = proxy.tunnels.slice(tunnelsBefore);
    const authority = new URL(secure.endpoint).host;
    assert.ok(tunnels.length >= 1);
    for (const tunnel of tunnels) {
      assert.equal(tunnel.target, authority);
      assert.equal(tunnel.proxyAuthorization, expectedAuth);
    }
    assert.ok(
      tunnels.length < secure.seen.length,
      `${tunnels.length} tunnels for ${secure.seen.length} requests`,
    );
    for (const request of secure.seen) {
      assert.equal(request.headers['proxy-authorization'], undefined);
    }
  });

  for (const target of ['http', 'https'] as const) {
    it(`wrong proxy credentials (${target}: server): a TusProxyError 407 that shows no credentials`, {
      skip: target === 'https' && pki === undefined,
    }, async () => {
      const server = target === 'http' ? plain : secure;
      assert.ok(server !== undefined);
      const before = server.seen.length;
      const asked = proxy.forwarded.length + proxy.tunnels.length;
      const wrong = proxy.urlWithCredentials.replace(
        encodeURIComponent(CREDENTIALS.password),
        'wrong-pw',
      );
      const client = new TusClient(server.endpoint, {
        proxy: wrong,
        ...(pki === undefined ? {} : { ca: pki.ca }),
        maxRetries: 2,
        retryDelay: 0,
        // One request to count: no OPTIONS first.
        checksum: false,
      });
      let caught: unknown;
      try {
        await client.uploadFile({ input: input.bytes });
      } catch (error) {
        caught = error;
      } finally {
        await client.close();
      }
      assert.ok(caught instanceof TusProxyError, String(caught));
      assert.equal(caught.code, 'TUS_ERR_PROXY');
      assert.equal(caught.status, 407);
      assert.equal(server.seen.length, before, 'nothing reached the server');
      assert.equal(proxy.forwarded.length + proxy.tunnels.length, asked + 1, '407 is not retried');
      for (const text of [
        caught.message,
        String(caught.stack),
        inspect(caught, { depth: 5 }),
        JSON.stringify(caught),
      ]) {
        assert.ok(!text.includes('wrong-pw') && !text.includes(`${CREDENTIALS.user}:`), text);
      }
    });
  }
});

describe('through an https: proxy (TLS to the proxy too)', {
  timeout: 60_000,
  skip: pki === undefined,
}, () => {
  it('an https: server through a tunnel inside TLS to the proxy, bytes intact', async () => {
    assert.ok(pki !== undefined);
    const proxy = await startProxy(undefined, pki);
    const server = await startServer({ pki });
    const client = new TusClient(server.endpoint, { proxy: proxy.url, ca: pki.ca });
    try {
      const url = await client.uploadFile({ input: input.bytes });
      assert.equal(await server.storedHash(url), input.hash);
      assert.ok(proxy.tunnels.length >= 1);
    } finally {
      await client.close();
      await proxy.close();
      await server.close();
    }
  });

  it('a proxy whose certificate is not trusted: a TusTlsError, nothing sent', async () => {
    assert.ok(pki !== undefined);
    const proxy = await startProxy(undefined, pki);
    const server = await startServer({ pki });
    const client = new TusClient(server.endpoint, { proxy: proxy.url, maxRetries: 0 });
    try {
      await assert.rejects(client.uploadFile({ input: input.bytes }), { code: 'TUS_ERR_TLS' });
      assert.equal(server.seen.length, 0);
      assert.equal(proxy.tunnels.length, 0);
    } finally {
      await client.close();
      await proxy.close();
      await server.close();
    }
  });
});
