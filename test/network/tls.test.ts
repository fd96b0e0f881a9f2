/**
 * Issue 18.3: custom CA certificates (`ca`), client certificates (`cert`, `key`: mutual TLS)
 * and the caller's own agents (`agents`), against our server over https with a private CA
 * made by the test. Certificates stay verified by default; a refused certificate, either
 * way, is a `TusTlsError` that is not retried.
 */
import assert from 'node:assert/strict';
import { Agent as HttpsAgent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { TusClient, TusTlsError } from '../../src/index.node.js';
import { privatePki } from './helpers/pki.js';
import { patternBytes, type StartedServer, startServer } from './helpers/servers.js';

const pki = privatePki();
const input = patternBytes(200 * 1024, 11);

/** Uploads `input` with `options`; resolves with the error, or `undefined` after checking the bytes. */
async function upload(
  server: StartedServer,
  options: ConstructorParameters<typeof TusClient>[1],
): Promise<unknown> {
  const client = new TusClient(server.endpoint, { chunkSize: 64 * 1024, ...options });
  try {
    const url = await client.uploadFile({ input: input.bytes });
    assert.equal(await server.storedHash(url), input.hash);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.close();
  }
}

describe('a server whose certificate a private CA signed', {
  timeout: 60_000,
  skip: pki === undefined,
}, () => {
  let server: StartedServer;
  before(async () => {
    assert.ok(pki !== undefined);
    server = await startServer({ pki });
  });
  after(() => server.close());

  it('is refused by default (certificates verified): a TusTlsError, not retried', async () => {
    const error = await upload(server, { maxRetries: 3, retryDelay: 0 });
    assert.ok(error instanceof TusTlsError, String(error));
    assert.equal(error.code, 'TUS_ERR_TLS');
    assert.match(error.message, /`ca`/);
    assert.equal(server.seen.length, 0, 'no request reached the server');
  });

  it('works with its CA as `ca` (text, or bytes), bytes intact', async () => {
    assert.ok(pki !== undefined);
    assert.equal(await upload(server, { ca: pki.ca }), undefined);
    assert.equal(await upload(server, { ca: [pki.otherCa, Buffer.from(pki.ca)] }), undefined);
  });

  it('is refused with another CA as `ca`', async () => {
    assert.ok(pki !== undefined);
    const before = server.seen.length;
    const error = await upload(server, { ca: pki.otherCa, maxRetries: 0 });
    assert.ok(error instanceof TusTlsError, String(error));
    assert.equal(server.seen.length, before);
  });

  it('takes your own agent (`agents.https`), and leaves it open on close', async () => {
    assert.ok(pki !== undefined);
    let connections = 0;
    class CountingAgent extends HttpsAgent {
      override createConnection(...args: Parameters<HttpsAgent['createConnection']>) {
        connections++;
        return super.createConnection(...args);
      }
    }
    const agent = new CountingAgent({ keepAlive: true, ca: pki.ca });
    try {
      assert.equal(await upload(server, { agents: { https: agent } }), undefined);
      assert.ok(connections >= 1, 'the upload went through the given agent');
      // Still usable after the client closed: a second client on the same agent.
      assert.equal(await upload(server, { agents: { https: agent } }), undefined);
    } finally {
      agent.destroy();
    }
  });
});

describe('a server that requires a client certificate (mutual TLS)', {
  timeout: 60_000,
  skip: pki === undefined,
}, () => {
  let server: StartedServer;
  const peers: string[] = [];
  before(async () => {
    assert.ok(pki !== undefined);
    server = await startServer({
      pki,
      requireClientCert: true,
      intercept: (req) => {
        peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
        return false;
      },
    });
  });
  after(() => server.close());

  it('works with `cert` and `key`, bytes intact, the certificate seen by the server', async () => {
    assert.ok(pki !== undefined);
    assert.equal(await upload(server, { ca: pki.ca, ...pki.client }), undefined);
    assert.ok(peers.length > 0 && peers.every((cn) => cn === 'upload-client'), peers.join());
  });

  it('without them: a TusTlsError that says a client certificate may be wanted, not retried', async () => {
    assert.ok(pki !== undefined);
    const before = server.seen.length;
    const error = await upload(server, { ca: pki.ca, maxRetries: 3, retryDelay: 0 });
    assert.ok(
      error instanceof TusTlsError,
      `${String(error)} (cause: ${String((error as Error).cause)})`,
    );
    assert.match(error.message, /client certificate/);
    assert.equal(server.seen.length, before);
  });
});
