/**
 * A file path as an `UploadSource`: positional reads from one file handle, never whole.
 *
 * What it refuses, and when (issue 16, docs/security.md):
 * - anything but a regular file (a directory, FIFO, device or socket), found by a `stat`
 *   before the file is opened, and opened non-blocking, so that nothing can hang in `open`;
 * - a file that reports size 0 but has content (a pseudo-file of /proc or /sys): its size
 *   is made up, so its bytes cannot be uploaded by path (read it and pass them as `input`);
 * - a file that changes while it is read: its size and modification time are checked
 *   after every read against those at open, and a change is a `TusInputError`, before the
 *   bytes read are handed on.
 */
import { type BigIntStats, constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { TusInputError } from '../errors/index.js';
import type { UploadSource } from './upload-source.js';

/** Read-only, non-blocking (a FIFO swapped in after the stat does not hang the open). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export class FileSource implements UploadSource {
  readonly seekable = true;
  readonly size: number;
  readonly name: string;
  readonly path: string;
  /** The file's modification time at open, in ms since the epoch. */
  readonly modifiedAt: number;
  #handle: FileHandle | undefined;
  /** Size and modification time at open: every read checks them again. */
  readonly #opened: BigIntStats;

  private constructor(path: string, handle: FileHandle, opened: BigIntStats) {
    this.path = path;
    this.#handle = handle;
    this.#opened = opened;
    this.size = Number(opened.size);
    this.modifiedAt = Number(opened.mtimeNs / 1_000_000n);
    this.name = basename(path);
  }

  /**
   * Opens `path`; a missing file, anything but a regular file, a pseudo-file or no
   * permission is a `TusInputError`. When `signal` aborts, the promise rejects with its
   * reason (and no handle stays open).
   */
  static async open(path: string, signal?: AbortSignal): Promise<FileSource> {
    signal?.throwIfAborted();
    let info: BigIntStats;
    try {
      info = await stat(path, { bigint: true });
    } catch (cause) {
      throw inputError(path, cause);
    }
    checkRegular(path, info);
    signal?.throwIfAborted();
    let handle: FileHandle;
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (cause) {
      throw inputError(path, cause);
    }
    try {
      signal?.throwIfAborted();
      // The path may name another file by now: what counts is the one opened.
      const opened = await handle.stat({ bigint: true });
      checkRegular(path, opened);
      if (opened.size === 0n) await refuseSizeless(path, handle);
      signal?.throwIfAborted();
      return new FileSource(path, handle, opened);
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
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
      if (want > 0) this.#checkUnchanged(await handle.stat({ bigint: true }));
    } catch (cause) {
      throw cause instanceof TusInputError ? cause : inputError(this.path, cause);
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

  /** A `TusInputError` when the file's size or modification time moved since it was opened. */
  #checkUnchanged(now: BigIntStats): void {
    const was = this.#opened;
    if (now.size === was.size && now.mtimeNs === was.mtimeNs) return;
    const size = now.size === was.size ? `${was.size} bytes` : `${was.size} → ${now.size} bytes`;
    throw new TusInputError(
      `${this.path}: the file changed while it was being uploaded (${size}, modified ${isoOf(was)} → ${isoOf(now)}); nothing more is sent: upload it again once it stops changing`,
    );
  }
}

function checkRegular(path: string, info: BigIntStats): void {
  if (info.isFile()) return;
  const what = info.isDirectory()
    ? 'is a directory, not a file'
    : info.isFIFO()
      ? 'is a FIFO (named pipe), not a regular file: pass it as a stream (input) instead'
      : info.isSocket()
        ? 'is a socket, not a regular file'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'is a device, not a regular file'
          : 'is not a regular file';
  throw new TusInputError(`${path}: ${what}`);
}

/**
 * A regular file of size 0 is empty, or a pseudo-file (/proc, /sys) whose size says
 * nothing: one byte read tells them apart, and the pseudo-file is refused.
 */
async function refuseSizeless(path: string, handle: FileHandle): Promise<void> {
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, 0));
  } catch (cause) {
    throw inputError(path, cause);
  }
  if (bytesRead > 0) {
    throw new TusInputError(
      `${path}: reports a size of 0 but has content (a pseudo-file, as under /proc or /sys): its size is unknown, so it is not uploaded by path; read it and pass the bytes or a stream as input`,
    );
  }
}

function isoOf(info: BigIntStats): string {
  return new Date(Number(info.mtimeNs / 1_000_000n)).toISOString();
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
