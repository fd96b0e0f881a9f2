/**
 * A range `[start, end)` of a seekable source, seen as a source of its own: each partial
 * of a parallel upload reads its own range of the same file, buffer or blob.
 */
import type { UploadSource } from '../sources/upload-source.js';
import type { ByteRange } from './boundaries.js';

/** A view of `range` of `source`. Closing the view leaves `source` open (its owner closes it). */
export function sliceSource(source: UploadSource, range: ByteRange): UploadSource {
  if (!source.seekable) {
    throw new TypeError('only a seekable source (file, buffer, blob) can be sliced');
  }
  const { start, end } = range;
  const size = end - start;
  const clip = (offset: number, length: number): number =>
    Math.max(0, Math.min(length, size - offset));
  const view: UploadSource = {
    size,
    seekable: true,
    name: source.name,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const wanted = clip(offset, length);
      if (wanted === 0) return new Uint8Array(0);
      return source.read(start + offset, wanted);
    },
    async close(): Promise<void> {},
  };
  const readInto = source.readInto?.bind(source);
  if (readInto !== undefined) {
    view.readInto = async (offset: number, target: Uint8Array): Promise<Uint8Array> => {
      const wanted = clip(offset, target.byteLength);
      if (wanted === 0) return target.subarray(0, 0);
      return readInto(start + offset, target.subarray(0, wanted));
    };
  }
  const slice = source.slice?.bind(source);
  if (slice !== undefined) {
    view.slice = (offset: number, length: number): Blob =>
      slice(start + offset, clip(offset, length));
  }
  return view;
}
