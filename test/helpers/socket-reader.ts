/**
 * Pull-style reading of a socket for the fault proxy: a request head, then body bytes on
 * demand. While nobody reads, the socket is paused, so TCP pushes back on the sender (a
 * stall the client can see).
 */
import type { Socket } from 'node:net';

const HIGH_WATER = 256 * 1024;
const MAX_HEAD = 64 * 1024;

export class SocketReader {
  readonly #socket: Socket;
  #chunks: Buffer[] = [];
  #length = 0;
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#length += chunk.byteLength;
      if (this.#length >= HIGH_WATER) socket.pause();
      this.#notify();
    });
    const end = () => {
      this.#ended = true;
      this.#notify();
    };
    socket.on('end', end);
    socket.on('close', end);
  }

  /** The next request head (without the blank line), `undefined` at the end or when too big. */
  async head(): Promise<Buffer | undefined> {
    for (;;) {
      const all = this.#peekAll();
      const at = all.indexOf('\r\n\r\n');
      if (at >= 0) {
        this.#consume(at + 4);
        return all.subarray(0, at);
      }
      if (all.byteLength > MAX_HEAD || this.#ended) return undefined;
      await this.#more();
    }
  }

  /** Up to `max` bytes as soon as some are there; `undefined` once the socket ended. */
  async take(max: number): Promise<Buffer | undefined> {
    while (this.#length === 0) {
      if (this.#ended) return undefined;
      await this.#more();
    }
    const all = this.#peekAll();
    const piece = all.subarray(0, Math.min(max, all.byteLength));
    this.#consume(piece.byteLength);
    return piece;
  }

  /** Reads and drops `count` bytes; `false` when the socket ended first. */
  async skip(count: number): Promise<boolean> {
    for (let left = count; left > 0; ) {
      const piece = await this.take(left);
      if (piece === undefined) return false;
      left -= piece.byteLength;
    }
    return true;
  }

  #peekAll(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks)];
    return this.#chunks[0] ?? Buffer.alloc(0);
  }

  #consume(count: number): void {
    const all = this.#peekAll();
    const rest = all.subarray(count);
    this.#chunks = rest.byteLength > 0 ? [rest] : [];
    this.#length = rest.byteLength;
    if (this.#length < HIGH_WATER && !this.#ended) this.#socket.resume();
  }

  #more(): Promise<void> {
    this.#socket.resume();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
