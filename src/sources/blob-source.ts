/** A `Blob` (or `File`) as an `UploadSource`: one slice per read, or a slice sent as it is. */
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

  slice(offset: number, length: number): Blob {
    return this.#blob.slice(offset, Math.min(offset + length, this.size));
  }

  async close(): Promise<void> {}
}
