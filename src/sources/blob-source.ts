/**
 * A `Blob` (or `File`) as an `UploadSource`: a chunk is sent as a `Blob` slice (never read
 * into JavaScript memory); reads, for digests and fingerprints, go into the caller's buffer
 * through a BYOB reader where the platform has one (Chromium does), so that hashing a large
 * chunk piece by piece allocates nothing per piece.
 */
import { TusInputError } from '../errors/index.js';
import type { UploadSource } from './upload-source.js';

export class BlobSource implements UploadSource {
  readonly seekable = true;
  readonly size: number;
  readonly name: string | undefined;
  readonly #blob: Blob;

  constructor(blob: Blob) {
    this.#blob = blob;
    this.size = blob.size;
    const name = (blob as { name?: unknown }).name;
    this.name = typeof name === 'string' && name !== '' ? name : undefined;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (offset >= end) return new Uint8Array(0);
    return new Uint8Array(await copyOf(this.#blob.slice(offset, end), offset));
  }

  /**
   * The bytes at `offset` into `target`. A BYOB read transfers `target`'s buffer: the
   * result is a view of the same memory in a new `ArrayBuffer` (use it, not `target`).
   */
  async readInto(offset: number, target: Uint8Array): Promise<Uint8Array> {
    const end = Math.min(offset + target.byteLength, this.size);
    if (offset >= end) return target.subarray(0, 0);
    const slice = this.#blob.slice(offset, end);
    const reader = byobReader(slice);
    if (reader !== undefined) {
      try {
        return await readAll(reader, target, end - offset);
      } catch {
        // Some blobs cannot be streamed (Chromium, past its in-memory blob storage): the
        // copying read below still works. `target` may be gone (transferred): a new buffer.
        return new Uint8Array(await copyOf(slice, offset));
      }
    }
    const bytes = new Uint8Array(await copyOf(slice, offset));
    target.set(bytes);
    return target.subarray(0, bytes.byteLength);
  }

  slice(offset: number, length: number): Blob {
    return this.#blob.slice(offset, Math.min(offset + length, this.size));
  }

  async close(): Promise<void> {}
}

/** `want` bytes into `target`'s memory (transferred from read to read); the filled view. */
async function readAll(
  reader: ReadableStreamBYOBReader,
  target: Uint8Array,
  want: number,
): Promise<Uint8Array> {
  let buffer = target.buffer as ArrayBuffer;
  const start = target.byteOffset;
  let filled = 0;
  try {
    while (filled < want) {
      const { done, value } = await reader.read(
        new Uint8Array(buffer, start + filled, want - filled),
      );
      if (value !== undefined) {
        buffer = value.buffer as ArrayBuffer;
        filled += value.byteLength;
      }
      if (done) break;
    }
  } finally {
    // Closed, not just released: an open stream holds one of the browser's data pipes.
    await reader.cancel().catch(() => {});
  }
  return new Uint8Array(buffer, start, filled);
}

/** Reads of a Blob tried before its failure is the upload's (the first, then retries). */
const READ_ATTEMPTS = 3;
/** Pause before each retry of a read, ms. */
const READ_RETRY_MS = [50, 250];

/**
 * `slice`'s bytes, copied. A read of a large Blob in Chromium was seen to fail now and then
 * (`NotReadableError`: 2 of 9 runs of the bench's 512 MiB upload, none of the next 20), a
 * `File` changed on disk fails every time: a failed read is tried twice more, then it is a
 * `TusInputError` that says where, with the browser's error as its `cause`.
 */
async function copyOf(slice: Blob, offset: number): Promise<ArrayBuffer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await slice.arrayBuffer();
    } catch (error) {
      if (attempt >= READ_ATTEMPTS) {
        const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new TusInputError(
          `the Blob could not be read (${slice.size} bytes at ${offset}, ${attempt} attempts): ${what}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS[attempt - 1]));
    }
  }
}

/** A BYOB reader of `blob`'s bytes, `undefined` where the platform has none. */
function byobReader(blob: Blob): ReadableStreamBYOBReader | undefined {
  try {
    return blob.stream().getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}
