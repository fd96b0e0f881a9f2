/**
 * The file-system calls the upload store makes, as a small interface: `node:fs/promises`
 * by default. A test (or an unusual deployment) passes its own through the `fileSystem`
 * server option, e.g. one that fails writes on demand or records the order of fsyncs.
 */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';

/** The part of `node:fs/promises`' `FileHandle` the store uses. */
export interface StoreFileHandle {
  writev(
    buffers: readonly NodeJS.ArrayBufferView[],
    position: number,
  ): Promise<{ bytesWritten: number }>;
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  truncate(length: number): Promise<void>;
  /** fsync(2) (the directory's handle is synced this way too). */
  sync(): Promise<void>;
  /** fdatasync(2). */
  datasync(): Promise<void>;
  close(): Promise<void>;
}

/** The part of `node:fs/promises` the store uses (errors are Node's: `code` `ENOENT`…). */
export interface StoreFileSystem {
  open(path: string, flags: 'r' | 'r+' | 'wx'): Promise<StoreFileHandle>;
  readFile(path: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Creates the folder and its parents; no error when it exists. */
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ size: number; isFile(): boolean }>;
}

/** `node:fs/promises` itself. */
export const nodeFileSystem: StoreFileSystem = {
  open: (path, flags) => open(path, flags),
  readFile: (path) => readFile(path, 'utf8'),
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  mkdir: async (path) => {
    await mkdir(path, { recursive: true });
  },
  readdir: (path) => readdir(path),
  stat: (path) => stat(path),
};

/** Whether `error` is Node's "no such file or directory". */
export function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}
