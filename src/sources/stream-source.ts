/**
 * A forward-only stream (web `ReadableStream`, or any `AsyncIterable<Uint8Array>` such as
 * a Node `Readable`) as an `UploadSource`. Only the bytes from the start of the last chunk
 * returned are kept, so a retry can resend that chunk; anything earlier is gone.
 */
import { TusInputError } from '../errors/index.js';
import type { UploadSource } from './upload-source.js';

type Pull = () => Promise<Uint8Array | undefined>;

export class StreamSource implements UploadSource {
  readonly seekable = false;
  readonly size: number | undefined;
  /** Absolute offset of the first byte in `#pieces`. */
  #start = 0;
  /** Bytes held, in order, starting at `#start`. */
  #pieces: Uint8Array[] = [];
  #held = 0;
  #ended = false;
  readonly #pull: Pull;
  readonly #release: () => Promise<void>;
  #closed = false;

  constructor(input: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>, size?: number) {
    this.size = size;
    if (isReadableStream(input)) {
      const reader = input.getReader();
      this.#pull = async () => {
        const { done, value } = await reader.read();
        return done ? undefined : value;
      };
      this.#release = async () => {
        await reader.cancel().catch(() => {});
        reader.releaseLock();
      };
    } else {
      const iterator = input[Symbol.asyncIterator]();
      this.#pull = async () => {
        const { done, value } = await iterator.next();
        return done ? undefined : value;
      };
      this.#release = async () => {
        await iterator.return?.();
      };
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.#closed) throw new TusInputError('the stream was closed');
    if (offset < this.#start) {
      throw new TusInputError(
        `a stream input cannot go back to byte ${offset}: it is at ${this.#start} (streams are read forward only)`,
      );
    }
    const limit =
      this.size === undefined ? length : Math.max(0, Math.min(length, this.size - offset));
    // Pull until the window covers [offset, offset + limit) or the stream ends.
    while (!this.#ended && this.#start + this.#held < offset + limit) {
      const piece = await this.#next();
      if (piece === undefined) break;
      this.#pieces.push(piece);
      this.#held += piece.byteLength;
      this.#drop(offset);
    }
    this.#drop(offset);
    const available = Math.max(0, Math.min(limit, this.#start + this.#held - offset));
    if (this.size !== undefined && available < limit) {
      throw new TusInputError(
        `the stream ended after ${offset + available} bytes, but uploadSize is ${this.size}`,
      );
    }
    return this.#take(available);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pieces = [];
    this.#held = 0;
    await this.#release();
  }

  async #next(): Promise<Uint8Array | undefined> {
    let piece: unknown;
    try {
      piece = await this.#pull();
    } catch (cause) {
      throw new TusInputError(`reading the input stream failed: ${messageOf(cause)}`, { cause });
    }
    if (piece === undefined) {
      this.#ended = true;
      return undefined;
    }
    if (!(piece instanceof Uint8Array)) {
      throw new TusInputError(
        `the input stream must yield Uint8Array/Buffer chunks, got ${typeof piece} (a Readable with an encoding set?)`,
      );
    }
    return piece;
  }

  /** Forgets the bytes held before `offset` (`#start + #held` is the next unread byte). */
  #drop(offset: number): void {
    while (this.#pieces.length > 0 && offset > this.#start) {
      const first = this.#pieces[0]!;
      const skip = offset - this.#start;
      if (skip >= first.byteLength) {
        this.#pieces.shift();
        this.#start += first.byteLength;
        this.#held -= first.byteLength;
      } else {
        this.#pieces[0] = first.subarray(skip);
        this.#start += skip;
        this.#held -= skip;
      }
    }
  }

  /** The first `length` bytes held, as one array (no copy when one piece covers them). */
  #take(length: number): Uint8Array {
    const first = this.#pieces[0];
    if (first === undefined || length === 0) return new Uint8Array(0);
    if (first.byteLength >= length) return first.subarray(0, length);
    const out = new Uint8Array(length);
    const rest: Uint8Array[] = [];
    let seen = 0;
    for (const piece of this.#pieces) {
      if (seen >= length) {
        rest.push(piece);
      } else {
        const part = piece.subarray(0, Math.min(piece.byteLength, length - seen));
        out.set(part, seen);
        if (part.byteLength < piece.byteLength) rest.push(piece.subarray(part.byteLength));
      }
      seen += piece.byteLength;
    }
    // Keep the chunk as one array, so a retry resends it without another copy.
    this.#pieces = [out, ...rest];
    return out;
  }
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getReader?: unknown }).getReader === 'function'
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
