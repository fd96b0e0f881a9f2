/**
 * tus-js-client's inputs turned into ours: a `Blob`/`File`, bytes, a web `ReadableStream`
 * or an async iterable go through as they are; a reader (`{ read() }`) becomes an async
 * iterable. The Node entry also reads an `fs.ReadStream` of a file by its path.
 */
import type { InputOptions } from '../types.js';
import type { FileReader, FileSource } from './types.js';

/** An input ready for `TusClient`, and whether the engine can tell its size. */
export interface PreparedInput {
  readonly options: Pick<InputOptions, 'filePath' | 'input'>;
  /** The size in bytes; `undefined` for a stream (it then needs `uploadSize`). */
  readonly size: number | undefined;
  /** Releases what the caller handed in (an `fs.ReadStream` is destroyed); idempotent. */
  release(): void;
}

/** The platform-free inputs; `undefined` for anything else. */
export function prepareCommonInput(file: unknown): PreparedInput | undefined {
  const release = () => {};
  if (file instanceof Uint8Array || file instanceof ArrayBuffer) {
    return { options: { input: file }, size: file.byteLength, release };
  }
  if (typeof Blob !== 'undefined' && file instanceof Blob) {
    return { options: { input: file }, size: file.size, release };
  }
  if (typeof file !== 'object' || file === null) return undefined;
  const o = file as Record<PropertyKey, unknown>;
  if (typeof o.getReader === 'function' || typeof o[Symbol.asyncIterator] === 'function') {
    return { options: { input: file as AsyncIterable<Uint8Array> }, size: undefined, release };
  }
  if (typeof o.read === 'function') {
    const reader = file as Pick<ReadableStreamDefaultReader<unknown>, 'read'>;
    return { options: { input: readerIterable(reader) }, size: undefined, release };
  }
  return undefined;
}

/** The error for an input no platform takes. */
export function unusableInput(kinds: string): Error {
  return new TypeError(`tus: source object may only be an instance of ${kinds}`);
}

async function* readerIterable(
  reader: Pick<ReadableStreamDefaultReader<unknown>, 'read'>,
): AsyncGenerator<Uint8Array> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield toBytes(value);
  }
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new TypeError(
    `tus: a reader must yield Uint8Array or ArrayBuffer chunks, got ${typeof value}`,
  );
}

/**
 * `defaultOptions.fileReader`: here so that code spreading `defaultOptions` keeps working.
 * The engine reads inputs itself, so another `fileReader` is refused and this one opens
 * nothing.
 */
export class OwnFileReader implements FileReader {
  openFile(_input: unknown, _chunkSize: number): Promise<FileSource> {
    return Promise.reject(
      new Error('tus: resumable-upload reads the input itself; its fileReader opens nothing'),
    );
  }
}
