/** A `Uint8Array` / `ArrayBuffer` as an `UploadSource`: zero-copy subarrays. */
import type { UploadSource } from './upload-source.js';

export class BufferSource implements UploadSource {
  readonly seekable = true;
  readonly size: number;
  readonly #bytes: Uint8Array;

  constructor(input: Uint8Array | ArrayBuffer) {
    this.#bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    this.size = this.#bytes.byteLength;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.#bytes.subarray(offset, Math.min(offset + length, this.size));
  }

  async close(): Promise<void> {}
}
