/**
 * The WAN emulator (test/helpers/wan-proxy.ts) against real sockets on 127.0.0.1. Only
 * bounds that noise cannot break are asserted: a busy machine makes bytes later, never
 * earlier, so "no sooner than the delay" and "no more bytes than the rate allows" hold
 * however loaded it is. Each case moves at most 1.5 MB at a few MB/s and ends by itself.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { after, describe, it } from 'node:test';
import { WanProxy } from '../../helpers/wan-proxy.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
/** The most bytes one socket read delivers (libuv's read size). */
const ONE_READ = 65_536;

const servers: Server[] = [];
const proxies: WanProxy[] = [];
after(async () => {
  for (const proxy of proxies) await proxy.close();
  for (const server of servers) server.close();
});

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, onConnection);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function startProxy(options: ConstructorParameters<typeof WanProxy>[0]): Promise<WanProxy> {
  const proxy = new WanProxy(options);
  proxies.push(proxy);
  await proxy.start();
  return proxy;
}

/** Connects, sends `data`, half-closes, and resolves with everything received until the end. */
async function exchange(port: number, data: Buffer): Promise<Buffer> {
  const socket = tcpConnect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  await once(socket, 'connect');
  socket.end(data);
  await once(socket, 'end');
  socket.destroy();
  return Buffer.concat(received);
}

/** An echo target: answers every byte, and ends when the client has ended. */
function echo(socket: Socket): void {
  socket.on('data', (chunk: Buffer) => socket.write(chunk));
  socket.on('end', () => socket.end());
  socket.on('error', () => socket.destroy());
}

describe('WanProxy', () => {
  it('carries every byte, in order, both ways, over concurrent connections', async () => {
    const proxy = await startProxy({
      targetPort: await listen(echo),
      delayMs: 5,
      rateBytesPerSecond: 8_000_000,
    });
    const inputs = [randomBytes(512 * 1024 + 7), randomBytes(300_001)];
    const echoed = await Promise.all(inputs.map((input) => exchange(proxy.port, input)));
    assert.deepEqual(echoed.map(sha256), inputs.map(sha256));
    const counters = proxy.counters;
    const total = inputs[0]!.length + inputs[1]!.length;
    assert.equal(counters.connections, 2);
    assert.equal(counters.bytesUp, total);
    assert.equal(counters.bytesDown, total);
  });

  it('delays each direction by delayMs, and a new connection by one more round trip', async () => {
    const delayMs = 40;
    const proxy = await startProxy({
      targetPort: await listen(echo),
      delayMs,
      rateBytesPerSecond: 1_000_000,
    });
    const socket = tcpConnect({ port: proxy.port, host: '127.0.0.1' });
    const connectedAt = performance.now();
    await once(socket, 'connect');
    const ping = async (): Promise<number> => {
      const sent = performance.now();
      socket.write('x');
      await once(socket, 'data');
      return performance.now() - sent;
    };
    const first = await ping();
    const second = await ping();
    socket.destroy();
    // The first byte waits for the handshake's round trip, then makes one of its own.
    assert.ok(performance.now() - connectedAt >= 4 * delayMs, `first echo after ${first} ms`);
    assert.ok(second >= 2 * delayMs, `round trip ${second} ms, one-way delay ${delayMs} ms`);
  });

  it('holds the upstream to its rate and pauses the sender while its queue is full', async () => {
    const rate = 1_000_000;
    const queueBytes = 64 * 1024;
    const arrivals: { at: number; total: number }[] = [];
    let total = 0;
    const port = await listen((socket) => {
      socket.on('data', (chunk: Buffer) => {
        total += chunk.length;
        arrivals.push({ at: performance.now(), total });
      });
      socket.on('end', () => socket.end(`${total}`));
    });
    const proxy = await startProxy({
      targetPort: port,
      delayMs: 10,
      rateBytesPerSecond: rate,
      queueBytes,
    });
    const data = randomBytes(1_500_000);
    const started = performance.now();
    const answer = await exchange(proxy.port, data);
    assert.equal(answer.toString(), String(data.length), 'the end arrived after the last byte');
    // By any moment t the link cannot have carried more than rate × t (plus one packet).
    for (const { at, total: bytes } of arrivals) {
      const allowed = (rate * (at - started)) / 1000 + 1460;
      assert.ok(bytes <= allowed, `${bytes} bytes after ${at - started} ms, rate ${rate} B/s`);
    }
    assert.ok(performance.now() - started >= (data.length / rate) * 1000);
    // Without backpressure the whole input would have waited in the queue.
    assert.ok(
      proxy.counters.peakQueuedUp <= queueBytes + ONE_READ,
      `${proxy.counters.peakQueuedUp}`,
    );
  });

  it('holds the downstream to its own rate', async () => {
    const downRate = 500_000;
    const payload = randomBytes(400_000);
    const port = await listen((socket) => {
      socket.on('end', () => socket.end(payload));
      socket.resume();
    });
    const proxy = await startProxy({
      targetPort: port,
      delayMs: 5,
      rateBytesPerSecond: 10_000_000,
      downRateBytesPerSecond: downRate,
    });
    const started = performance.now();
    const answer = await exchange(proxy.port, Buffer.from('go'));
    assert.equal(sha256(answer), sha256(payload));
    assert.ok(performance.now() - started >= (payload.length / downRate) * 1000);
  });

  it('stops listening and cuts its connections on close', async () => {
    const proxy = await startProxy({
      targetPort: await listen(echo),
      delayMs: 1,
      rateBytesPerSecond: 1_000_000,
    });
    const socket = tcpConnect({ port: proxy.port, host: '127.0.0.1' });
    socket.on('error', () => {});
    await once(socket, 'connect');
    await proxy.close();
    await once(socket, 'close');
    const refused = tcpConnect({ port: proxy.port, host: '127.0.0.1' });
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'ECONNREFUSED');
  });

  it('rejects a rate that is not a positive number', () => {
    assert.throws(
      () => new WanProxy({ targetPort: 1, delayMs: 1, rateBytesPerSecond: 0 }),
      RangeError,
    );
  });
});
