/** The browser's inputs: a `File`/`Blob`, bytes, a reader or a stream. */
import { type PreparedInput, prepareCommonInput, unusableInput } from './input.js';

export async function prepareBrowserInput(file: unknown): Promise<PreparedInput> {
  const prepared = prepareCommonInput(file);
  if (prepared === undefined) throw unusableInput('File, Blob, Uint8Array, or Reader');
  return prepared;
}
