/**
 * A `Blob` (or `File`) as an `UploadSource`: a chunk is sent as a `Blob` slice (never read
 * into JavaScript memory); reads, for digests and fingerprints, go into the caller's buffer
 * through a BYOB reader where the platform has one (Chromium does), so that hashing a large
 * chunk piece by piece allocates nothing per piece.
 */
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
    return new Uint8Array(await this.#blob.slice(offset, end).arrayBuffer());
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
        return new Uint8Array(await slice.arrayBuffer());
      }
    }
    const bytes = new Uint8Array(await slice.arrayBuffer());
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

/** A BYOB reader of `blob`'s bytes, `undefined` where the platform has none. */
function byobReader(blob: Blob): ReadableStreamBYOBReader | undefined {
  try {
    return blob.stream().getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}
