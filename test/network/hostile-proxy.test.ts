/**
 * Issue 25.1: proxies that answer `CONNECT` badly, scripted as raw `net` servers on
 * 127.0.0.1, through the real client. A stray byte after a 200 (the client once allocated
 * gigabytes and died of a `RangeError` from `Buffer.concat`) and an endless head are a
 * `TusProxyError`; an answer trickled a byte at a time is closed when its request is given
 * up (client closed, aborted, timed out); answers split across packets, with bare LF line
 * endings or an interim 1xx first carry the upload (bytes checked on the server).
 */
import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TusClient, TusProxyError } from '../../src/index.node.js';
import { openTunnel, proxyRoute } from '../../src/transport/proxy-tunnel.node.js';
import { privatePki } from './helpers/pki.js';
import { patternBytes, type StartedServer, startServer } from './helpers/servers.js';

const pki = privatePki();
const input = patternBytes(200 * 1024);
/** The endpoint for the proxies that never reach a server: nothing listens there. */
const NOWHERE = 'https://127.0.0.1:9/files';

/** What a scripted proxy does once it has read a `CONNECT` head: `target` is its authority. */
type Script = (client: Socket, target: string) => void | Promise<void>;

interface ScriptedProxy {
  url: string;
  /** Sockets of clients that asked, with whether each has closed. */
  connections: { socket: Socket; closed: Promise<void>; isClosed: () => boolean }[];
  close(): Promise<void>;
}

async function scriptedProxy(script: Script): Promise<ScriptedProxy> {
  const connections: ScriptedProxy['connections'] = [];
  const server: Server = createServer((socket) => {
    let closed = false;
    const closedPromise = new Promise<void>((resolve) =>
      socket.once('close', () => {
        closed = true;
        resolve();
      }),
    );
    socket.on('error', () => {});
    connections.push({ socket, closed: closedPromise, isClosed: () => closed });
    let head = '';
    const onData = (piece: Buffer) => {
      head += piece.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      // Nothing the client sends next (its TLS hello) is lost before the script reads it.
      socket.pause();
      const target = /^CONNECT (\S+) HTTP\/1\.1/.exec(head)?.[1] ?? '';
      void Promise.resolve(script(socket, target)).catch(() => socket.destroy());
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    async close() {
      for (const { socket } of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers with `pieces`, each its own write (a pause between), then pipes to the target. */
function tunnelAnswering(pieces: string[]): Script {
  return async (client, target) => {
    const [host = '', port = ''] = target.split(/:(?=\d+$)/);
    const upstream = connect({ host, port: Number(port) });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    await new Promise<void>((resolve) => upstream.once('connect', resolve));
    client.setNoDelay(true);
    for (const piece of pieces) {
      client.write(piece);
      await sleep(5);
    }
    client.pipe(upstream).pipe(client);
  };
}

/** Writes `head`, then one more byte every 300 ms until the client goes. */
function trickling(head: string): Script {
  return (client) => {
    client.write(head);
    const timer = setInterval(() => client.write('a'), 300);
    client.once('close', () => clearInterval(timer));
  };
}

/** Resolves once `closed` has, rejects after `ms` saying `what`: bounds each wait. */
async function within(closed: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function uploadThrough(
  proxy: ScriptedProxy,
  endpoint: string,
  extra: Partial<ConstructorParameters<typeof TusClient>[1]> = {},
): Promise<unknown> {
  const client = new TusClient(endpoint, {
    proxy: proxy.url,
    maxRetries: 0,
    checksum: false,
    ...(pki === undefined ? {} : { ca: pki.ca }),
    ...extra,
  });
  try {
    return await client.uploadFile({ input: input.bytes });
  } catch (error) {
    return error;
  } finally {
    await client.close();
  }
}

describe('a proxy that answers CONNECT badly', { timeout: 60_000 }, () => {
  for (const [name, after200] of [
    ['one stray LF', '\n'],
    ['64 KiB of bytes', 'x'.repeat(65_536)],
  ] as const) {
    it(`bytes after its 200 (${name}): a TusProxyError, the process alive`, async () => {
      const proxy = await scriptedProxy((client) => {
        client.write(`HTTP/1.1 200 Connection established\r\n\r\n${after200}`);
      });
      try {
        const error = await uploadThrough(proxy, NOWHERE);
        assert.ok(error instanceof TusProxyError, String(error));
        assert.equal(error.code, 'TUS_ERR_PROXY');
        assert.match(error.message, /after its 200 answer to CONNECT/);
        await within(proxy.connections[0]!.closed, 10_000, 'the tunnel still open');
      } finally {
        await proxy.close();
      }
    });
  }

  it('an endless answer head: a TusProxyError once it passes the bound', async () => {
    let sent = 0;
    const proxy = await scriptedProxy(async (client) => {
      client.write('HTTP/1.1 200 OK\r\n');
      // Bounded here too: 4 MiB at most, or until the client goes.
      while (!client.destroyed && sent < 4 * 1024 * 1024) {
        const line = `X-Padding: ${'p'.repeat(1000)}\r\n`;
        sent += line.length;
        if (!client.write(line)) await new Promise((resolve) => client.once('drain', resolve));
      }
    });
    try {
      const error = await uploadThrough(proxy, NOWHERE);
      assert.ok(error instanceof TusProxyError, String(error));
      assert.match(error.message, /answer head over 16384 bytes/);
      assert.ok(sent < 4 * 1024 * 1024, `${sent} bytes sent before the client gave up`);
    } finally {
      await proxy.close();
    }
  });

  it('an answer that is not HTTP: a TusProxyError quoting its first line, tamed', async () => {
    const proxy = await scriptedProxy((client) => {
      client.write('SSH-2.0-OpenSSH_9.6\x1b]0;owned\x07\r\n\r\n');
    });
    try {
      const error = await uploadThrough(proxy, NOWHERE);
      assert.ok(error instanceof TusProxyError, String(error));
      assert.equal(error.status, undefined);
      assert.match(
        error.message,
        /did not answer CONNECT in HTTP\/1\.x \("SSH-2\.0-OpenSSH_9\.6\?/,
      );
      assert.ok(!error.message.includes('\x1b'));
    } finally {
      await proxy.close();
    }
  });

  for (const [status, pieces] of [
    [407, ['HTTP/1.1 407 Proxy Auth', 'entication Required\r\nProxy-Authenticate: Basic\r\n\r\n']],
    [502, ['HTTP/1.1 5', '02 Bad Gateway\nContent-Length: 3\n\nbad']],
  ] as const) {
    it(`a ${status} split across packets: a TusProxyError with status ${status}`, async () => {
      const proxy = await scriptedProxy(async (client) => {
        for (const piece of pieces) {
          client.write(piece);
          await sleep(5);
        }
      });
      try {
        const failed = await uploadThrough(proxy, NOWHERE);
        // A 502 may be retried: with retries off, it is the cause of the TusUploadFailed.
        const error = failed instanceof TusProxyError ? failed : (failed as Error).cause;
        assert.ok(error instanceof TusProxyError, String(failed));
        assert.equal(error.status, status);
      } finally {
        await proxy.close();
      }
    });
  }
});

describe('a proxy that trickles its answer: the tunnel closed when given up', {
  timeout: 60_000,
}, () => {
  const HEAD = 'HTTP/1.1 200 OK\r\nX-Slow: ';

  it('client.close() while the tunnel is opening closes it', async () => {
    const proxy = await scriptedProxy(trickling(HEAD));
    const client = new TusClient(NOWHERE, { proxy: proxy.url, maxRetries: 0, checksum: false });
    const upload = client.uploadFile({ input: input.bytes }).then(
      () => undefined,
      (error: unknown) => error,
    );
    try {
      while (proxy.connections.length === 0) await sleep(20);
      await sleep(700);
      await client.close();
      await within(proxy.connections[0]!.closed, 10_000, 'the tunnel still open');
      await within(upload, 10_000, 'the upload still pending');
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('an aborted upload closes its opening tunnel', async () => {
    const proxy = await scriptedProxy(trickling(HEAD));
    const client = new TusClient(NOWHERE, { proxy: proxy.url, maxRetries: 0, checksum: false });
    const controller = new AbortController();
    try {
      const upload = client.uploadFile({ input: input.bytes, signal: controller.signal });
      while (proxy.connections.length === 0) await sleep(20);
      await sleep(700);
      controller.abort();
      await assert.rejects(upload, { code: 'TUS_ERR_ABORTED' });
      await within(proxy.connections[0]!.closed, 10_000, 'the tunnel still open');
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('the CONNECT exchange has a deadline: a trickle does not extend it', async () => {
    const proxy = await scriptedProxy(trickling(HEAD));
    try {
      const route = proxyRoute(proxy.url);
      await assert.rejects(openTunnel(route, '127.0.0.1', 9, {}, 1000), /within 1000 ms/);
      await within(proxy.connections[0]!.closed, 10_000, 'the tunnel still open');
    } finally {
      await proxy.close();
    }
  });

  it('a timeout closes the opening tunnel (the trickle does not keep it alive)', async () => {
    const proxy = await scriptedProxy(trickling(HEAD));
    const client = new TusClient(NOWHERE, {
      proxy: proxy.url,
      maxRetries: 0,
      checksum: false,
      timeout: 1500,
    });
    try {
      const error = await client.uploadFile({ input: input.bytes }).catch((e: unknown) => e);
      assert.ok(error instanceof Error, String(error));
      // Still open at this point without the fix: nothing but the client's close ends it.
      await within(proxy.connections[0]!.closed, 10_000, 'the tunnel still open');
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

describe('answers to CONNECT of other shapes carry the upload', {
  timeout: 60_000,
  skip: pki === undefined,
}, () => {
  let server: StartedServer;
  before(async () => {
    assert.ok(pki !== undefined);
    server = await startServer({ pki });
  });
  after(async () => {
    await server.close();
  });

  const answers: [string, string[]][] = [
    ['split byte by byte', [...'HTTP/1.1 200 Connection established\r\n\r\n']],
    ['bare LF line endings', ['HTTP/1.1 200 OK\nVia: 1.1 odd\n\n']],
    ['an interim 100 first', ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n']],
    ['HTTP/1.0, no reason', ['HTTP/1.0 200\r\n', 'Content-Length: 99\r\n\r', '\n']],
  ];
  for (const [name, pieces] of answers) {
    it(`${name}: bytes intact on the server`, async () => {
      const proxy = await scriptedProxy(tunnelAnswering(pieces));
      try {
        const url = await uploadThrough(proxy, server.endpoint, {
          chunkSize: 64 * 1024,
          timeout: 10_000,
        });
        assert.equal(typeof url, 'string', String(url));
        assert.equal(await server.storedHash(url as string), input.hash);
      } finally {
        await proxy.close();
      }
    });
  }
});
