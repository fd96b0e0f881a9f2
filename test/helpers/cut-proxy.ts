/**
 * A link that drops its connections: a TCP proxy on 127.0.0.1 in front of a target port
 * that cuts each connection (both sockets destroyed, as a NAT, a proxy or a handover would)
 * once it carried `cutAfterBytes` from the client, or `cutAfterMs` after it opened. It
 * counts the bytes it carried from clients to the target: what a metered link would bill.
 * Neither the bytes nor the time are exact (a read of up to 64 KiB may pass the byte limit's
 * piece up to it, then the cut), and the cut is the whole point: no HTTP is parsed.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export interface CutProxyOptions {
  /** Port on 127.0.0.1 the proxy forwards to. */
  targetPort: number;
  /** Cut a connection once this many bytes from the client went through it. */
  cutAfterBytes?: number | undefined;
  /** Cut a connection this long after it opened. */
  cutAfterMs?: number | undefined;
}

export interface CutProxyCounters {
  /** Connections accepted. */
  connections: number;
  /** Connections cut. */
  cuts: number;
  /** Bytes carried from the clients to the target. */
  bytesUp: number;
}

export class CutProxy {
  readonly #options: CutProxyOptions;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #server: Server | undefined;
  readonly counters: CutProxyCounters = { connections: 0, cuts: 0, bytesUp: 0 };

  constructor(options: CutProxyOptions) {
    this.#options = options;
  }

  /** Listens on 127.0.0.1 port 0; resolves with the port. */
  async start(): Promise<number> {
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  /** Zeroes the counters (between runs). */
  reset(): void {
    this.counters.connections = 0;
    this.counters.cuts = 0;
    this.counters.bytesUp = 0;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    this.counters.connections++;
    const upstream = tcpConnect(this.#options.targetPort, '127.0.0.1');
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    let carried = 0;
    let cut = false;
    const end = (counted: boolean) => {
      if (cut) return;
      cut = true;
      if (counted) this.counters.cuts++;
      if (timer !== undefined) {
        clearTimeout(timer);
        this.#timers.delete(timer);
      }
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    const ms = this.#options.cutAfterMs;
    const timer = ms === undefined ? undefined : setTimeout(() => end(true), ms);
    if (timer !== undefined) this.#timers.add(timer);
    const limit = this.#options.cutAfterBytes ?? Number.POSITIVE_INFINITY;
    client.on('data', (piece: Buffer) => {
      if (cut) return;
      const room = limit - carried;
      const pass = piece.byteLength <= room ? piece : piece.subarray(0, Math.max(0, room));
      carried += pass.byteLength;
      this.counters.bytesUp += pass.byteLength;
      if (pass.byteLength > 0 && !upstream.write(pass)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
      if (carried >= limit) end(true);
    });
    upstream.on('data', (piece: Buffer) => {
      if (!cut) client.write(piece);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => end(false));
      socket.on('close', () => end(false));
    }
  }
}
