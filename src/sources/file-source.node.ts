/** A file path as an `UploadSource`: positional reads from one file handle, never whole. */
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { TusInputError } from '../errors/index.js';
import type { UploadSource } from './upload-source.js';

export class FileSource implements UploadSource {
  readonly seekable = true;
  readonly size: number;
  readonly name: string;
  readonly path: string;
  #handle: FileHandle | undefined;

  private constructor(path: string, handle: FileHandle, size: number) {
    this.path = path;
    this.#handle = handle;
    this.size = size;
    this.name = basename(path);
  }

  /** Opens `path`; a missing file, a directory or no permission is a `TusInputError`. */
  static async open(path: string): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (cause) {
      throw inputError(path, cause);
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory()) {
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      }
      if (!info.isFile()) {
        throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      }
      return new FileSource(path, handle, info.size);
    } catch (cause) {
      await handle.close().catch(() => {});
      throw inputError(path, cause);
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(length, this.size - offset));
    return this.readInto(offset, Buffer.allocUnsafeSlow(want));
  }

  async readInto(offset: number, target: Uint8Array): Promise<Uint8Array> {
    const handle = this.#handle;
    if (handle === undefined) throw new TusInputError(`${this.path}: the file was closed`);
    const want = Math.max(0, Math.min(target.byteLength, this.size - offset));
    let filled = 0;
    try {
      while (filled < want) {
        const { bytesRead } = await handle.read(target, filled, want - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    } catch (cause) {
      throw inputError(this.path, cause);
    }
    if (filled < want) {
      throw new TusInputError(
        `${this.path}: the file shrank while uploading (ended at ${offset + filled}, expected ${this.size} bytes)`,
      );
    }
    return target.subarray(0, want);
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

function inputError(path: string, cause: unknown): TusInputError {
  const code = (cause as { code?: unknown }).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : cause instanceof Error
            ? cause.message
            : String(cause);
  return new TusInputError(`${path}: ${reason}`, { cause });
}
