/**
 * An in-memory `StoreFileSystem` that keeps what is durable apart from what was only
 * written, and can "cut the power": everything not durable is dropped (all of it, or a
 * random part of it), every handle and view of before the cut dies, and the disk comes back
 * with what survived.
 *
 * The model is what POSIX promises, not what ext4 happens to do:
 * - A file's content changes (write, truncate) are volatile until an fsync or fdatasync of
 *   that file (both flush the content and the size here). Until then any subset of them
 *   may reach the disk, in order, and a write may be torn (only a prefix of it lands).
 * - A directory's entries (a file or folder created in it, a rename, an unlink) are
 *   volatile until an fsync of that directory. Until then any subset of those changes may
 *   survive, in order; a rename is one change (it lands whole or not at all). A change that
 *   no longer applies to what survived before it (a rename of a name that did not survive)
 *   is skipped.
 * - Fsyncing a file makes its content durable, not its name: a file whose directory entry
 *   was never made durable is gone after a cut, with everything in it. Fsyncing a directory
 *   makes its entries durable, not the content of the files they name, and not its own
 *   entry in its parent.
 * - `keep` (0 ≤ keep ≤ 1) is the chance of each volatile change to survive a cut: 0 is the
 *   harshest (only what was made durable), 1 a crash of the process alone.
 *
 * Only what the store does is supported: one level of renames (within a folder), no hard
 * links. Every call that changes or syncs something is reported to `onOperation` first,
 * synchronously, so a test can cut the power between any two of them.
 */
import { posix } from 'node:path';
import type { StoreFileHandle, StoreFileSystem } from '../../src/server/index.js';

type FileChange =
  | { kind: 'write'; position: number; bytes: Buffer }
  | { kind: 'truncate'; length: number };

interface FileNode {
  kind: 'file';
  /** What reads see now. */
  data: Buffer;
  /** What the disk holds for sure (as of the last fsync / fdatasync). */
  durable: Buffer;
  /** Changes since then, in order. */
  pending: FileChange[];
}

type DirChange =
  | { kind: 'link'; name: string; node: Node }
  | { kind: 'unlink'; name: string; node: Node }
  | { kind: 'rename'; from: string; to: string; node: Node };

interface DirNode {
  kind: 'dir';
  entries: Map<string, Node>;
  durable: Map<string, Node>;
  pending: DirChange[];
}

type Node = FileNode | DirNode;

/** What a cut did, for the test's counts. */
export interface CutReport {
  /** Volatile changes that survived (content and directory changes). */
  kept: number;
  /** Volatile changes that were lost. */
  lost: number;
  /** Writes that landed only in part. */
  torn: number;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${message}`);
  error.code = code;
  return error;
}

const newDir = (): DirNode => ({
  kind: 'dir',
  entries: new Map(),
  durable: new Map(),
  pending: [],
});
const newFile = (): FileNode => ({
  kind: 'file',
  data: Buffer.alloc(0),
  durable: Buffer.alloc(0),
  pending: [],
});

function applyWrite(data: Buffer, position: number, bytes: Buffer): Buffer {
  const end = position + bytes.length;
  const out = Buffer.alloc(Math.max(data.length, end));
  data.copy(out);
  bytes.copy(out, position);
  return out;
}

function applyTruncate(data: Buffer, length: number): Buffer {
  if (length <= data.length) return Buffer.from(data.subarray(0, length));
  const out = Buffer.alloc(length);
  data.copy(out);
  return out;
}

export class PowerLossFs {
  #root: DirNode = newDir();
  /** Bumped by each cut: views and handles of an older epoch fail with EIO. */
  #epoch = 0;
  readonly #random: () => number;
  /** Called before each call that changes or syncs something (`write <path>`, `sync <path>`…). */
  onOperation: ((op: string) => void) | undefined;

  constructor(random: () => number, folders: readonly string[] = []) {
    this.#random = random;
    // Folders that exist, durably, before the test begins.
    for (const folder of folders) {
      let dir = this.#root;
      for (const part of folder.split('/').filter((p) => p !== '')) {
        let next = dir.entries.get(part);
        if (next === undefined) {
          next = newDir();
          dir.entries.set(part, next);
          dir.durable.set(part, next);
        }
        if (next.kind !== 'dir') throw new Error(`${folder}: not a folder`);
        dir = next;
      }
    }
  }

  /** A `StoreFileSystem` on the disk as it is now; it dies (EIO) at the next cut. */
  view(): StoreFileSystem {
    const epoch = this.#epoch;
    const live = (op: string, report = true): void => {
      if (this.#epoch !== epoch) throw fsError('EIO', `${op}: the power is off`);
      if (report) this.onOperation?.(op);
      if (this.#epoch !== epoch) throw fsError('EIO', `${op}: the power went off`);
    };
    const fs = this;
    return {
      async open(path, flags) {
        live(`open ${flags} ${path}`, flags === 'wx');
        const { dir, name } = fs.#parent(path);
        let node = dir.entries.get(name);
        if (flags === 'wx') {
          if (node !== undefined) throw fsError('EEXIST', `open ${path}`);
          node = newFile();
          dir.entries.set(name, node);
          dir.pending.push({ kind: 'link', name, node });
        }
        if (node === undefined) throw fsError('ENOENT', `open ${path}`);
        if (node.kind === 'dir' && flags !== 'r') throw fsError('EISDIR', `open ${path}`);
        return fs.#handle(node, path, flags, live);
      },
      async readFile(path) {
        live(`readFile ${path}`, false);
        const node = fs.#lookup(path);
        if (node === undefined) throw fsError('ENOENT', `readFile ${path}`);
        if (node.kind !== 'file') throw fsError('EISDIR', `readFile ${path}`);
        return node.data.toString('utf8');
      },
      async rename(from, to) {
        live(`rename ${from} ${to}`);
        const source = fs.#parent(from);
        const target = fs.#parent(to);
        if (source.dir !== target.dir) throw fsError('EXDEV', `rename ${from} ${to}`);
        const node = source.dir.entries.get(source.name);
        if (node === undefined) throw fsError('ENOENT', `rename ${from}`);
        if (source.name === target.name) return;
        source.dir.entries.delete(source.name);
        source.dir.entries.set(target.name, node);
        source.dir.pending.push({ kind: 'rename', from: source.name, to: target.name, node });
      },
      async unlink(path) {
        live(`unlink ${path}`);
        const { dir, name } = fs.#parent(path);
        const node = dir.entries.get(name);
        if (node === undefined) throw fsError('ENOENT', `unlink ${path}`);
        if (node.kind === 'dir') throw fsError('EISDIR', `unlink ${path}`);
        dir.entries.delete(name);
        dir.pending.push({ kind: 'unlink', name, node });
      },
      async mkdir(path) {
        live(`mkdir ${path}`);
        let dir = fs.#root;
        for (const part of posix
          .resolve(path)
          .split('/')
          .filter((p) => p !== '')) {
          let next = dir.entries.get(part);
          if (next === undefined) {
            next = newDir();
            dir.entries.set(part, next);
            dir.pending.push({ kind: 'link', name: part, node: next });
          }
          if (next.kind !== 'dir') throw fsError('ENOTDIR', `mkdir ${path}`);
          dir = next;
        }
      },
      async readdir(path) {
        live(`readdir ${path}`, false);
        const node = fs.#lookup(path);
        if (node === undefined) throw fsError('ENOENT', `readdir ${path}`);
        if (node.kind !== 'dir') throw fsError('ENOTDIR', `readdir ${path}`);
        return [...node.entries.keys()].sort();
      },
      async stat(path) {
        live(`stat ${path}`, false);
        const node = fs.#lookup(path);
        if (node === undefined) throw fsError('ENOENT', `stat ${path}`);
        const size = node.kind === 'file' ? node.data.length : 4096;
        return { size, isFile: () => node.kind === 'file' };
      },
    };
  }

  /**
   * Cuts the power: each volatile change survives with chance `keep`, every view and handle
   * of before dies, and the disk holds only what survived (all of it durable now).
   */
  cut(keep: number): CutReport {
    const report: CutReport = { kept: 0, lost: 0, torn: 0 };
    const survive = (): boolean => {
      const kept = this.#random() < keep;
      if (kept) report.kept++;
      else report.lost++;
      return kept;
    };
    const copies = new Map<Node, Node>();
    const file = (node: FileNode): FileNode => {
      let data = node.durable;
      for (const change of node.pending) {
        if (!survive()) continue;
        if (change.kind === 'truncate') {
          data = applyTruncate(data, change.length);
        } else if (change.bytes.length > 1 && this.#random() < 0.25) {
          report.torn++;
          const part = Math.floor(this.#random() * change.bytes.length);
          data = applyWrite(data, change.position, change.bytes.subarray(0, part));
        } else {
          data = applyWrite(data, change.position, change.bytes);
        }
      }
      return { kind: 'file', data, durable: data, pending: [] };
    };
    const dir = (node: DirNode): DirNode => {
      const entries = new Map(node.durable);
      for (const change of node.pending) {
        if (!survive()) continue;
        if (change.kind === 'link') {
          if (!entries.has(change.name)) entries.set(change.name, change.node);
        } else if (change.kind === 'unlink') {
          if (entries.get(change.name) === change.node) entries.delete(change.name);
        } else if (entries.get(change.from) === change.node) {
          entries.delete(change.from);
          entries.set(change.to, change.node);
        }
      }
      const out = newDir();
      for (const [name, child] of entries) {
        let copy = copies.get(child);
        if (copy === undefined) {
          copy = child.kind === 'file' ? file(child) : dir(child);
          copies.set(child, copy);
        }
        out.entries.set(name, copy);
        out.durable.set(name, copy);
      }
      return out;
    };
    this.#root = dir(this.#root);
    this.#epoch++;
    return report;
  }

  /** The names in `folder` now (no operation is reported); `[]` when it does not exist. */
  list(folder: string): string[] {
    const node = this.#lookup(folder);
    return node?.kind === 'dir' ? [...node.entries.keys()].sort() : [];
  }

  /** The content of `path` now (no operation is reported), `undefined` when absent. */
  content(path: string): Buffer | undefined {
    const node = this.#lookup(path);
    return node?.kind === 'file' ? node.data : undefined;
  }

  #lookup(path: string): Node | undefined {
    let node: Node = this.#root;
    for (const part of posix
      .resolve(path)
      .split('/')
      .filter((p) => p !== '')) {
      if (node.kind !== 'dir') return undefined;
      const next = node.entries.get(part);
      if (next === undefined) return undefined;
      node = next;
    }
    return node;
  }

  #parent(path: string): { dir: DirNode; name: string } {
    const resolved = posix.resolve(path);
    const parent = this.#lookup(posix.dirname(resolved));
    if (parent === undefined) throw fsError('ENOENT', path);
    if (parent.kind !== 'dir') throw fsError('ENOTDIR', path);
    return { dir: parent, name: posix.basename(resolved) };
  }

  #handle(
    node: Node,
    path: string,
    flags: 'r' | 'r+' | 'wx',
    live: (op: string, report?: boolean) => void,
  ): StoreFileHandle {
    let closed = false;
    let cursor = 0;
    const usable = (op: string, report: boolean, writing: boolean): FileNode => {
      if (closed) throw fsError('EBADF', `${op} ${path}: closed`);
      live(`${op} ${path}`, report);
      if (node.kind !== 'file') throw fsError('EISDIR', `${op} ${path}`);
      if (writing && flags === 'r') throw fsError('EBADF', `${op} ${path}: read-only`);
      return node;
    };
    const write = (file: FileNode, bytes: Buffer, position: number): number => {
      const copy = Buffer.from(bytes);
      file.data = applyWrite(file.data, position, copy);
      file.pending.push({ kind: 'write', position, bytes: copy });
      return copy.length;
    };
    const sync = (op: string): void => {
      if (closed) throw fsError('EBADF', `${op} ${path}: closed`);
      live(`${op} ${path}`);
      if (node.kind === 'file') {
        node.durable = node.data;
        node.pending = [];
      } else {
        node.durable = new Map(node.entries);
        node.pending = [];
      }
    };
    return {
      async writev(buffers, position) {
        const file = usable('writev', true, true);
        const bytes = Buffer.concat(
          buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
        );
        return { bytesWritten: write(file, bytes, position) };
      },
      async write(buffer, offset, length, position) {
        const file = usable('write', true, true);
        const bytes = Buffer.from(buffer.buffer, buffer.byteOffset + offset, length);
        return { bytesWritten: write(file, bytes, position) };
      },
      async read(buffer, offset, length, position) {
        const file = usable('read', false, false);
        const from = position ?? cursor;
        const part = file.data.subarray(from, from + length);
        buffer.set(part, offset);
        if (position === null) cursor += part.length;
        return { bytesRead: part.length };
      },
      async stat() {
        if (closed) throw fsError('EBADF', `stat ${path}: closed`);
        live(`fstat ${path}`, false);
        return { size: node.kind === 'file' ? node.data.length : 4096 };
      },
      async truncate(length) {
        const file = usable('truncate', true, true);
        file.data = applyTruncate(file.data, length);
        file.pending.push({ kind: 'truncate', length });
      },
      async sync() {
        sync('sync');
      },
      async datasync() {
        sync('datasync');
      },
      async close() {
        closed = true;
      },
    };
  }
}
