/**
 * A WAN emulator of our own: a user-space TCP proxy on 127.0.0.1 in front of a target
 * port that gives every connection the timing of a long, narrow link. Each direction is
 * one shared link (all connections through the proxy share its rate):
 *
 * 1. bytes read from the sending socket enter the link's **bottleneck queue**, bounded
 *    (`queueBytes`, about one bandwidth-delay product): while it is full the proxy stops
 *    reading from the senders, so they feel backpressure as from a real bottleneck;
 * 2. the queue drains at the link **rate**: the link serialises bytes one after the
 *    other (`linkFreeAt`: when the link has sent all it took so far), exactly as a wire;
 * 3. each byte then reaches the other side `delayMs` later (propagation, one way).
 *
 * Time is kept exactly (each byte's departure is computed from the rate, never rounded to
 * a tick), but bytes are *released* in time slices: one timer per link that wakes when
 * the next bytes are due (at least 1 ms apart), releases everything due by then in a few
 * large writes, and sleeps while nothing is queued. A late timer (a busy event loop) does
 * not lower the rate: the bytes whose time has passed go out at the next wake.
 *
 * A new connection also pays the TCP handshake: the client's first bytes leave one round
 * trip (2 × `delayMs`) after it connected (`connectRoundTrip`, on by default).
 * The scheduler of each direction is in wan-link.ts. Not emulated: loss, reordering,
 * slow start, congestion control. The kernel's loopback socket buffers (several MB) sit
 * between the sender and the bottleneck queue, so a sender's own count of bytes written
 * runs ahead of the link by up to that much.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { type Flow, LinkDirection } from './wan-link.js';

export interface WanProxyOptions {
  /** Port on 127.0.0.1 the proxy forwards to. */
  targetPort: number;
  /** One-way delay in ms (the round trip is twice this). */
  delayMs: number;
  /** Rate of the client → server direction, bytes per second. */
  rateBytesPerSecond: number;
  /** Rate of the server → client direction, bytes per second. @default rateBytesPerSecond */
  downRateBytesPerSecond?: number | undefined;
  /**
   * Bound of each direction's bottleneck queue, in bytes (a read of up to 64 KiB may
   * overshoot it once). @default max(64 KiB, one bandwidth-delay product: rate × 2 × delayMs)
   */
  queueBytes?: number | undefined;
  /** Hold a new connection's first bytes for one round trip (the TCP handshake). @default true */
  connectRoundTrip?: boolean | undefined;
}

export interface WanProxyCounters {
  /** Connections accepted. */
  connections: number;
  /** Bytes delivered to the target (client → server). */
  bytesUp: number;
  /** Bytes delivered to the clients (server → client). */
  bytesDown: number;
  /** Most bytes ever waiting in the upstream bottleneck queue. */
  peakQueuedUp: number;
  /** Most bytes ever waiting in the downstream bottleneck queue. */
  peakQueuedDown: number;
}

function checkPositive(name: string, value: unknown, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && !value)) {
    throw new RangeError(`wan-proxy: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** A TCP proxy on 127.0.0.1 with the delay, rate and queue of a WAN link (see top). */
export class WanProxy {
  readonly options: Readonly<Required<WanProxyOptions>>;
  readonly #up: LinkDirection;
  readonly #down: LinkDirection;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #server: Server | undefined;
  #connections = 0;
  #port = 0;

  constructor(options: WanProxyOptions) {
    const rate = checkPositive('rateBytesPerSecond', options.rateBytesPerSecond);
    const delayMs = checkPositive('delayMs', options.delayMs, true);
    const downRate = checkPositive(
      'downRateBytesPerSecond',
      options.downRateBytesPerSecond ?? rate,
    );
    const bdp = (Math.max(rate, downRate) * 2 * delayMs) / 1000;
    const queueBytes = checkPositive('queueBytes', options.queueBytes ?? Math.max(65_536, bdp));
    this.options = {
      targetPort: checkPositive('targetPort', options.targetPort),
      delayMs,
      rateBytesPerSecond: rate,
      downRateBytesPerSecond: downRate,
      queueBytes,
      connectRoundTrip: options.connectRoundTrip ?? true,
    };
    this.#up = new LinkDirection(rate, delayMs, queueBytes);
    this.#down = new LinkDirection(downRate, delayMs, queueBytes);
  }

  /** Listens on 127.0.0.1, port 0; resolves with the port. */
  async start(): Promise<number> {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) =>
      this.#accept(client),
    );
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : 0;
    return this.#port;
  }

  /** The port `start()` listened on (0 before). */
  get port(): number {
    return this.#port;
  }

  get counters(): WanProxyCounters {
    return {
      connections: this.#connections,
      bytesUp: this.#up.delivered,
      bytesDown: this.#down.delivered,
      peakQueuedUp: this.#up.peakQueued,
      peakQueuedDown: this.#down.peakQueued,
    };
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    this.#up.close();
    this.#down.close();
    for (const timer of this.#timers) clearTimeout(timer);
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.#connections++;
    client.pause();
    const target = tcpConnect({
      port: this.options.targetPort,
      host: '127.0.0.1',
      allowHalfOpen: true,
      noDelay: true,
    });
    target.pause();
    const flow = (source: Socket, dest: Socket): Flow => ({
      source,
      dest,
      paused: false,
      ended: false,
      waitingDrain: false,
      dead: false,
    });
    const up = flow(client, target);
    const down = flow(target, client);
    // An error or a close without an end cuts both sides at once (a reset); a graceful
    // close lets the other direction deliver what it still carries.
    const cut = (): void => {
      up.dead = true;
      down.dead = true;
      client.destroy();
      target.destroy();
    };
    for (const [socket, reading] of [
      [client, up],
      [target, down],
    ] as const) {
      this.#sockets.add(socket);
      socket.on('error', cut);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        if (!reading.ended) cut();
      });
    }
    this.#pipe(up, this.#up);
    this.#pipe(down, this.#down);
    let connected = false;
    let handshakeDone = !this.options.connectRoundTrip;
    const startReading = (): void => {
      if (!connected || !handshakeDone || up.dead) return;
      client.resume();
      target.resume();
    };
    target.once('connect', () => {
      connected = true;
      startReading();
    });
    if (!handshakeDone) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        handshakeDone = true;
        startReading();
      }, 2 * this.options.delayMs);
      this.#timers.add(timer);
    }
  }

  #pipe(flow: Flow, link: LinkDirection): void {
    flow.source.on('data', (data: Buffer) => link.enqueue(flow, data));
    flow.source.on('end', () => {
      flow.ended = true;
      link.end(flow);
    });
  }
}
