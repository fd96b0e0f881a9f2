/** Node's `Platform.openSource`: a file path, bytes, a Blob, a Readable or a ReadableStream. */
import type { InputOptions } from '../types.js';
import { FileSource } from './file-source.node.js';
import { checkInputOptions, openInput } from './open-input.js';
import type { UploadSource } from './upload-source.js';

/** `signal` is honoured while a file opens (docs/security.md). */
export async function openNodeSource(
  options: InputOptions,
  signal?: AbortSignal,
): Promise<UploadSource> {
  checkInputOptions(options, true);
  if (options.filePath !== undefined) return FileSource.open(options.filePath, signal);
  return openInput(options.input!, options.uploadSize);
}
