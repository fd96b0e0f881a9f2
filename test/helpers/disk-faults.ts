/**
 * A `StoreFileSystem` over another (node:fs/promises by default) whose writes, fsyncs,
 * renames and file creations fail at random, as a failing or full disk makes them: EIO or
 * ENOSPC, drawn from a seeded PRNG so that a failure is replayed with the same seed. A
 * write may also take only part of its bytes (a short write, no error: the caller must
 * write the rest) or take a part and then fail. `enabled = false` stops the faults (to read
 * back what the server kept); `counts` says what was injected.
 */
import {
  nodeFileSystem,
  type StoreFileHandle,
  type StoreFileSystem,
} from '../../src/server/index.js';

export interface DiskFaults {
  fs: StoreFileSystem;
  /** Faults injected so far, by `<call> <code>` (`writev EIO`, `rename ENOSPC`, `writev short`…). */
  counts: Map<string, number>;
  /** Calls that could have failed, so far. */
  calls: number;
  enabled: boolean;
}

const CODES = ['EIO', 'ENOSPC'] as const;

function fsError(code: string, call: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: injected failure, ${call}`);
  error.code = code;
  return error;
}

/** Faults on `rate` (0 – 1) of the writes, fsyncs, renames and creations of `inner`. */
export function randomDiskFaults(
  random: () => number,
  rate: number,
  inner: StoreFileSystem = nodeFileSystem,
): DiskFaults {
  const state: DiskFaults = { fs: inner, counts: new Map(), calls: 0, enabled: true };
  const count = (key: string) => state.counts.set(key, (state.counts.get(key) ?? 0) + 1);
  /** The code to fail `call` with, or `undefined` to let it through. */
  const roll = (call: string): string | undefined => {
    if (!state.enabled) return undefined;
    state.calls++;
    if (random() >= rate) return undefined;
    const code = CODES[Math.floor(random() * CODES.length)] ?? 'EIO';
    count(`${call} ${code}`);
    return code;
  };
  /** For a faulted write: how many of `length` bytes land first (0 = none), and whether it then throws. */
  const partial = (call: string, length: number): { take: number; fail: boolean } => {
    const kind = random();
    if (kind < 0.4 || length < 2) return { take: 0, fail: true };
    const take = 1 + Math.floor(random() * (length - 1));
    if (kind < 0.7) {
      count(`${call} short`);
      return { take, fail: false };
    }
    return { take, fail: true };
  };
  const wrap = (handle: StoreFileHandle): StoreFileHandle => ({
    async writev(buffers, position) {
      const code = roll('writev');
      if (code === undefined) return handle.writev(buffers, position);
      const joined = Buffer.concat(
        buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
      );
      const { take, fail } = partial('writev', joined.length);
      if (take > 0) await handle.writev([joined.subarray(0, take)], position);
      if (fail) throw fsError(code, 'writev');
      return { bytesWritten: take };
    },
    async write(buffer, offset, length, position) {
      const code = roll('write');
      if (code === undefined) return handle.write(buffer, offset, length, position);
      const { take, fail } = partial('write', length);
      if (take > 0) await handle.write(buffer, offset, take, position);
      if (fail) throw fsError(code, 'write');
      return { bytesWritten: take };
    },
    read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
    stat: () => handle.stat(),
    truncate: (length) => handle.truncate(length),
    async sync() {
      const code = roll('fsync');
      if (code !== undefined) throw fsError(code, 'fsync');
      return handle.sync();
    },
    async datasync() {
      const code = roll('fdatasync');
      if (code !== undefined) throw fsError(code, 'fdatasync');
      return handle.datasync();
    },
    close: () => handle.close(),
  });
  state.fs = {
    async open(path, flags) {
      const code = flags === 'wx' ? roll('create') : undefined;
      if (code !== undefined) throw fsError(code, `open ${flags}`);
      return wrap(await inner.open(path, flags));
    },
    readFile: (path) => inner.readFile(path),
    async rename(from, to) {
      const code = roll('rename');
      if (code !== undefined) throw fsError(code, 'rename');
      return inner.rename(from, to);
    },
    unlink: (path) => inner.unlink(path),
    mkdir: (path) => inner.mkdir(path),
    readdir: (path) => inner.readdir(path),
    stat: (path) => inner.stat(path),
  };
  return state;
}
