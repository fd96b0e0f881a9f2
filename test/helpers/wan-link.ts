/**
 * One direction of the WAN emulator's link (see wan-proxy.ts): the bounded bottleneck
 * queue, the serialisation at the link rate, and the propagation delay, released in time
 * slices by one timer per direction.
 */
import type { Socket } from 'node:net';

/** Where one direction of one connection goes. */
export interface Flow {
  readonly source: Socket;
  readonly dest: Socket;
  /** Reading paused because the link's queue is full. */
  paused: boolean;
  /** The source sent its end (a graceful close follows). */
  ended: boolean;
  /** Waiting for `dest` to drain before delivering more. */
  waitingDrain: boolean;
  /** Cut (an error or an abrupt close): whatever is left of it is dropped. */
  dead: boolean;
}

/** Bytes of one flow (or, with `data` null, its end) on the way through a link. */
interface Piece {
  flow: Flow;
  data: Buffer | null;
  /** When the bytes reached the proxy (ms, performance.now). */
  arrivedAt: number;
  /** When the last of them reaches the other side. */
  deliverAt: number;
}

/** Writes that would not go on when a socket already holds this much unsent. */
const DEST_HIGH_WATER = 4 * 1024 * 1024;
/** The smallest part of a piece released on its own (a packet); larger ones are split. */
const MIN_SEGMENT = 1460;

/** A FIFO of pieces with O(1) removal at the head. */
class PieceQueue {
  #items: Piece[] = [];
  #head = 0;
  bytes = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }
  peek(): Piece | undefined {
    return this.#items[this.#head];
  }
  push(piece: Piece): void {
    this.#items.push(piece);
    this.bytes += piece.data?.length ?? 0;
  }
  shift(): Piece | undefined {
    const piece = this.#items[this.#head];
    if (piece === undefined) return undefined;
    this.#head++;
    this.bytes -= piece.data?.length ?? 0;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return piece;
  }
  /** Takes `n` bytes off the head piece's front (it stays at the head). */
  splitHead(n: number): Buffer {
    const piece = this.#items[this.#head]!;
    const data = piece.data!;
    piece.data = data.subarray(n);
    this.bytes -= n;
    return data.subarray(0, n);
  }
}

/** One direction of the emulated link: bottleneck queue, serialisation, propagation. */
export class LinkDirection {
  readonly #bytesPerMs: number;
  readonly #delayMs: number;
  readonly #queueLimit: number;
  readonly #queue = new PieceQueue();
  readonly #inFlight = new PieceQueue();
  readonly #paused = new Set<Flow>();
  #linkFreeAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #closed = false;
  delivered = 0;
  peakQueued = 0;

  constructor(bytesPerSecond: number, delayMs: number, queueLimit: number) {
    this.#bytesPerMs = bytesPerSecond / 1000;
    this.#delayMs = delayMs;
    this.#queueLimit = queueLimit;
  }

  /** Bytes read from `flow.source`; pauses the source while the queue is full. */
  enqueue(flow: Flow, data: Buffer): void {
    this.#queue.push({ flow, data, arrivedAt: performance.now(), deliverAt: 0 });
    this.peakQueued = Math.max(this.peakQueued, this.#queue.bytes);
    if (this.#queue.bytes >= this.#queueLimit && !flow.paused) {
      flow.paused = true;
      flow.source.pause();
      this.#paused.add(flow);
    }
    this.pump();
  }

  /** The source ended: its end reaches the destination after its last byte. */
  end(flow: Flow): void {
    this.#queue.push({ flow, data: null, arrivedAt: performance.now(), deliverAt: 0 });
    this.pump();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Releases what the link has sent by now, delivers what has arrived, sleeps until next. */
  pump = (): void => {
    if (this.#closed) return;
    const now = performance.now();
    this.#release(now);
    this.#deliver(now);
    this.#resumeSources();
    this.#schedule(now);
  };

  #release(now: number): void {
    // The delay line holds at most what the link sends in one delay, plus what a slow
    // destination has not taken: beyond that the queue fills and the senders are paused.
    const inFlightLimit = this.#bytesPerMs * this.#delayMs + this.#queueLimit + DEST_HIGH_WATER;
    for (;;) {
      const head = this.#queue.peek();
      if (head === undefined || this.#inFlight.bytes > inFlightLimit) return;
      if (head.flow.dead) {
        this.#queue.shift();
        continue;
      }
      const start = Math.max(this.#linkFreeAt, head.arrivedAt);
      if (start > now) return;
      const size = head.data?.length ?? 0;
      const finish = start + size / this.#bytesPerMs;
      if (finish <= now) {
        this.#queue.shift();
        this.#linkFreeAt = finish;
        head.deliverAt = finish + this.#delayMs;
        this.#inFlight.push(head);
        continue;
      }
      // Only part of the head has crossed the link by now: release that part.
      const fits = Math.floor((now - start) * this.#bytesPerMs);
      if (fits < MIN_SEGMENT) return;
      const part = this.#queue.splitHead(fits);
      this.#linkFreeAt = start + fits / this.#bytesPerMs;
      this.#inFlight.push({
        flow: head.flow,
        data: part,
        arrivedAt: head.arrivedAt,
        deliverAt: this.#linkFreeAt + this.#delayMs,
      });
      return;
    }
  }

  #deliver(now: number): void {
    const corked = new Set<Socket>();
    for (;;) {
      const piece = this.#inFlight.peek();
      if (piece === undefined || piece.deliverAt > now) break;
      const { flow } = piece;
      if (flow.dead || flow.dest.destroyed) {
        this.#inFlight.shift();
        continue;
      }
      if (flow.dest.writableLength > DEST_HIGH_WATER) {
        if (!flow.waitingDrain) {
          flow.waitingDrain = true;
          flow.dest.once('drain', () => {
            flow.waitingDrain = false;
            this.pump();
          });
        }
        break;
      }
      this.#inFlight.shift();
      if (!corked.has(flow.dest)) {
        flow.dest.cork();
        corked.add(flow.dest);
      }
      if (piece.data === null) {
        flow.dest.end();
      } else {
        this.delivered += piece.data.length;
        flow.dest.write(piece.data);
      }
    }
    for (const socket of corked) socket.uncork();
  }

  #resumeSources(): void {
    if (this.#queue.bytes >= this.#queueLimit) return;
    for (const flow of this.#paused) {
      flow.paused = false;
      if (!flow.dead) flow.source.resume();
    }
    this.#paused.clear();
  }

  #schedule(now: number): void {
    let next = this.#inFlight.peek()?.deliverAt ?? Number.POSITIVE_INFINITY;
    const head = this.#queue.peek();
    if (head !== undefined) {
      const start = Math.max(this.#linkFreeAt, head.arrivedAt);
      const size = head.data?.length ?? 0;
      next = Math.min(next, start + Math.min(size, MIN_SEGMENT) / this.#bytesPerMs);
    }
    if (!Number.isFinite(next)) return;
    // Wake at most once a millisecond; a pending earlier wake-up stays.
    const at = Math.max(next, now + 1);
    if (this.#timer !== undefined && this.#wakeAt <= at) return;
    clearTimeout(this.#timer);
    this.#wakeAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, at - now);
  }
}
