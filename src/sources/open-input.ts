/** The platform-free part of opening an input: bytes, blobs and streams. */
import { TusInputError } from '../errors/index.js';
import type { InputOptions, UploadInput } from '../types.js';
import { BlobSource } from './blob-source.js';
import { BufferSource } from './buffer-source.js';
import { StreamSource } from './stream-source.js';
import type { UploadSource } from './upload-source.js';

/** An `UploadSource` for `input`; an unusable input is a `TusInputError`. */
export function openInput(input: UploadInput, uploadSize: number | undefined): UploadSource {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return new BufferSource(input);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return new BlobSource(input);
  if (typeof input === 'object' && input !== null) {
    if (
      typeof (input as { getReader?: unknown }).getReader === 'function' ||
      typeof (input as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
    ) {
      return new StreamSource(input as ReadableStream<Uint8Array>, uploadSize);
    }
  }
  throw new TusInputError(
    `input must be a Uint8Array, ArrayBuffer, Blob, ReadableStream or async iterable of Uint8Array, got ${describe(input)}`,
  );
}

/** Checks that exactly one of `filePath` and `input` is given, and `uploadSize`. */
export function checkInputOptions(options: InputOptions, filePathAllowed: boolean): void {
  const hasPath = options.filePath !== undefined;
  const hasInput = options.input !== undefined;
  if (hasPath && !filePathAllowed) {
    throw new TypeError('filePath is only available in Node; pass input instead');
  }
  if (hasPath === hasInput) {
    throw new TypeError(
      hasPath ? 'give filePath or input, not both' : 'an upload needs filePath or input',
    );
  }
  if (hasPath && (typeof options.filePath !== 'string' || options.filePath === '')) {
    throw new TypeError(`filePath must be a non-empty string, got ${describe(options.filePath)}`);
  }
  const size = options.uploadSize;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
    throw new RangeError(`uploadSize must be a non-negative integer, got ${describe(size)}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
