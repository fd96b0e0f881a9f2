/**
 * The sources layer's contract: an input turned into positioned bytes.
 */
export interface UploadSource {
  /** Total bytes, `undefined` when unknown (a stream without `uploadSize`). */
  readonly size: number | undefined;
  /** Whether `read` may go back to any offset (files, buffers, blobs) or only forward (streams). */
  readonly seekable: boolean;
  /** A name for default metadata (the file's base name), when there is one. */
  readonly name?: string | undefined;
  /** When a file's content last changed (ms since the epoch), for the resume check. */
  readonly modifiedAt?: number | undefined;
  /**
   * Bytes `[offset, offset + length)`; fewer only at the end of the input (an empty array
   * past the end). A forward-only source can re-read from the start of the last chunk it
   * returned (so a retry can resend it) and throws `TusInputError` for anything earlier.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: like `read`, but into `target` (whose length is the length asked for), so
   * that the caller can reuse its buffers. Resolves with the filled part of `target`.
   */
  readInto?(offset: number, target: Uint8Array): Promise<Uint8Array>;
  /**
   * Optional: the bytes `[offset, offset + length)` as a `Blob`, without reading them (a
   * `Blob` or `File` input): sent as is, so the bytes never enter JavaScript memory.
   */
  slice?(offset: number, length: number): Blob;
  /** Releases the file handle or stream. Safe to call twice. */
  close(): Promise<void>;
}
