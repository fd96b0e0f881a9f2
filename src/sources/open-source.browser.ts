/** The browser's `Platform.openSource`: a `File`/`Blob`, bytes, or a `ReadableStream`. */
import type { InputOptions } from '../types.js';
import { checkInputOptions, openInput } from './open-input.js';
import type { UploadSource } from './upload-source.js';

export async function openBrowserSource(options: InputOptions): Promise<UploadSource> {
  checkInputOptions(options, false);
  return openInput(options.input!, options.uploadSize);
}
