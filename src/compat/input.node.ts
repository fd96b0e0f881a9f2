/** Node's inputs: those of every platform, and an `fs.ReadStream` of a whole file, read by its path. */
import { ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type PreparedInput, prepareCommonInput, unusableInput } from './input.js';

export async function prepareNodeInput(file: unknown): Promise<PreparedInput> {
  if (file instanceof ReadStream && wholeFile(file)) {
    const filePath = String(file.path);
    const { size } = await stat(filePath);
    return { options: { filePath }, size, release: () => file.destroy() };
  }
  const prepared = prepareCommonInput(file);
  if (prepared === undefined) throw unusableInput('Buffer, Uint8Array, Blob or Readable');
  return prepared;
}

/** A stream of a whole file (no `start`/`end`): its path can be read at any offset. */
function wholeFile(stream: ReadStream): boolean {
  const range = stream as ReadStream & { start?: number; end?: number };
  return (
    stream.path !== undefined &&
    (range.start === undefined || range.start === 0) &&
    (range.end === undefined || range.end === Number.POSITIVE_INFINITY)
  );
}
