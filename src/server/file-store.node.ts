/**
 * File-system storage of our tus server: per upload `<id>` (the bytes) and `<id>.json`
 * (its `StoredUpload`). Protocol-free: any handler (tus, or another protocol later) uses it.
 *
 * Order of writes, so that a process killed at any point leaves info and data agreeing
 * (see `store-recovery.node.ts` for what the start makes of it):
 * - create: the empty data file, then the info file (both go again when that save fails);
 * - save: a temp copy of the info file, fsynced, renamed over the old one, then the folder
 *   fsynced (the fsyncs when `fsync` is on); the record is answered from then on; when the
 *   folder's fsync fails, the record it replaced is answered until a save gets through;
 * - remove: the info file first (from then on the upload is gone), then the data file;
 * - a PATCH's bytes are fsynced before the info file records them (receive-bytes.node.ts);
 * - start: the folder is created if need be, and the folder above it fsynced (and above each
 *   folder created with it), so that the folder's own entry survives a power loss too.
 *
 * Records are cached in memory (bounded, least recently used first out); one process owns
 * the folder.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { RecordCache } from './record-cache.js';
import { isMissing, type StoreFileHandle, type StoreFileSystem } from './store-fs.node.js';
import { isUploadId, type StoredUpload } from './upload-record.js';

export { isUploadId };

const COPY_BYTES = 1024 * 1024;

function parseRecord(text: string, id: string): StoredUpload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<StoredUpload>;
  const lengthOk =
    record.length === undefined || (Number.isSafeInteger(record.length) && record.length >= 0);
  const offsetOk = Number.isSafeInteger(record.offset) && (record.offset ?? -1) >= 0;
  if (record.id !== id || !offsetOk || !lengthOk) return undefined;
  if (typeof record.metadata !== 'string' || typeof record.createdAt !== 'number') return undefined;
  return record as StoredUpload;
}

export interface FileStoreSettings {
  fsync: boolean;
  fileSystem: StoreFileSystem;
  /** Most records kept in memory. */
  cacheSize: number;
}

/** A read of an info file in flight: a save or a removal meanwhile makes its result old. */
interface Read {
  stale: boolean;
  removed: boolean;
}

/** Why a concatenation stopped early. */
export class ConcatenationError extends Error {
  readonly part: string | undefined;
  constructor(message: string, part?: string, options?: ErrorOptions) {
    super(message, options);
    this.part = part;
  }
}

export class FileStore {
  readonly directory: string;
  readonly fs: StoreFileSystem;
  readonly #fsync: boolean;
  readonly #cache: RecordCache<StoredUpload>;
  readonly #reads = new Map<string, Set<Read>>();
  readonly #removing = new Set<string>();
  /**
   * Uploads whose new record was renamed into place but whose folder fsync then failed: the
   * new record is visible, not durable, and a power loss may take it. Until a save of the
   * upload gets through, the record it replaced (the last one made durable) is answered.
   */
  readonly #pinned = new Map<string, StoredUpload>();

  constructor(directory: string, settings: FileStoreSettings) {
    this.directory = directory;
    this.fs = settings.fileSystem;
    this.#fsync = settings.fsync;
    this.#cache = new RecordCache(settings.cacheSize);
  }

  newId(): string {
    return randomBytes(16).toString('hex');
  }

  dataPath(id: string): string {
    return join(this.directory, id);
  }

  infoPath(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  /** How many records the memory cache holds now. */
  get cachedRecords(): number {
    return this.#cache.size;
  }

  /** The ids that have an info file. */
  async ids(): Promise<string[]> {
    const names = await this.fs.readdir(this.directory);
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter(isUploadId);
  }

  /** The record of `id`, `undefined` when there is none (or it is unreadable). */
  async get(id: string): Promise<StoredUpload | undefined> {
    if (!isUploadId(id) || this.#removing.has(id)) return undefined;
    const pinned = this.#pinned.get(id);
    if (pinned !== undefined) return { ...pinned };
    const cached = this.#cache.get(id);
    if (cached !== undefined) return { ...cached };
    const read: Read = { stale: false, removed: false };
    const reads = this.#reads.get(id) ?? new Set<Read>();
    reads.add(read);
    this.#reads.set(id, reads);
    let text: string;
    try {
      text = await this.fs.readFile(this.infoPath(id));
    } catch {
      return undefined;
    } finally {
      reads.delete(read);
      if (reads.size === 0 && this.#reads.get(id) === reads) this.#reads.delete(id);
    }
    if (read.removed) return undefined;
    const record = parseRecord(text, id);
    if (record === undefined) return undefined;
    // A save since the read began holds newer news: answer this one, cache only the newer.
    if (!read.stale) this.#cache.set(id, record);
    return { ...record };
  }

  /**
   * A new, empty upload: its data file, then its info file. When the info file cannot be
   * saved, the data file goes again (with the info file, if it was renamed into place before
   * the folder's fsync failed): without a record nothing would ever remove it.
   */
  async create(record: StoredUpload): Promise<void> {
    const handle = await this.fs.open(this.dataPath(record.id), 'wx');
    try {
      await handle.close();
      await this.#save(record, undefined);
    } catch (error) {
      await this.remove(record.id).catch(() => {});
      throw error;
    }
  }

  /** Replaces the info file atomically (and durably when `fsync` is on). */
  async save(record: StoredUpload): Promise<void> {
    const previous = this.#fsync ? await this.#lastDurable(record.id) : undefined;
    await this.#save(record, previous);
  }

  /** The record of `id` as last made durable (or read from disk), not cached anew. */
  async #lastDurable(id: string): Promise<StoredUpload | undefined> {
    const known = this.#pinned.get(id) ?? this.#cache.get(id);
    if (known !== undefined) return known;
    try {
      return parseRecord(await this.fs.readFile(this.infoPath(id)), id);
    } catch {
      return undefined;
    }
  }

  /** `save`, told the record being replaced (`undefined` for a new upload). */
  async #save(record: StoredUpload, previous: StoredUpload | undefined): Promise<void> {
    const target = this.infoPath(record.id);
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    const text = Buffer.from(JSON.stringify(record));
    try {
      const handle = await this.fs.open(temp, 'wx');
      try {
        let done = 0;
        while (done < text.length) {
          done += (await handle.write(text, done, text.length - done, done)).bytesWritten;
        }
        if (this.#fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await this.fs.rename(temp, target);
    } catch (error) {
      await this.#unlink(temp);
      throw error;
    }
    for (const read of this.#reads.get(record.id) ?? []) read.stale = true;
    if (this.#fsync) {
      try {
        await this.syncDirectory();
      } catch (error) {
        if (previous === undefined) {
          this.#cache.delete(record.id);
        } else {
          this.#pinned.set(record.id, { ...previous });
          this.#cache.set(record.id, { ...previous });
        }
        throw error;
      }
    }
    this.#pinned.delete(record.id);
    this.#cache.set(record.id, { ...record });
  }

  /** Removes upload `id`: its info file first (the upload is gone from then on), then its bytes. */
  async remove(id: string): Promise<void> {
    this.#removing.add(id);
    this.#cache.delete(id);
    this.#pinned.delete(id);
    for (const read of this.#reads.get(id) ?? []) read.removed = true;
    try {
      await this.#unlink(this.infoPath(id));
      await this.#unlink(this.dataPath(id));
      if (this.#fsync) await this.syncDirectory();
    } finally {
      this.#removing.delete(id);
    }
  }

  /** Bytes in the data file of `id`, `undefined` when it has none. */
  async dataSize(id: string): Promise<number | undefined> {
    try {
      return (await this.fs.stat(this.dataPath(id))).size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * Opens the data file for writing at `offset`, first cutting anything past it. A file
   * shorter than `offset` is an error: the caller lowers the record first (never pads).
   * A pinned upload's record is made durable again first: the bytes to cut may be the ones a
   * newer record on disk (not durable, but it may survive a power loss) claims.
   */
  async openAt(id: string, offset: number): Promise<StoreFileHandle> {
    const pinned = this.#pinned.get(id);
    if (pinned !== undefined) await this.#save(pinned, pinned);
    const handle = await this.fs.open(this.dataPath(id), 'r+');
    try {
      const { size } = await handle.stat();
      if (size < offset) {
        throw new Error(`the data file of ${id} holds ${size} bytes, fewer than offset ${offset}`);
      }
      if (size > offset) await handle.truncate(offset);
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Cuts the data file of `id` to `size` bytes (a no-op when it is not longer). */
  async cut(id: string, size: number): Promise<void> {
    const handle = await this.fs.open(this.dataPath(id), 'r+');
    try {
      if ((await handle.stat()).size > size) await handle.truncate(size);
      if (this.#fsync) await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Makes written bytes durable (when the store fsyncs). */
  async sync(handle: StoreFileHandle): Promise<void> {
    if (this.#fsync) await handle.datasync();
  }

  /**
   * Creates the folder (and its parents) when missing. With `fsync` on, the folder above it
   * is fsynced, and the one above each folder created with it: a folder's entry is durable
   * only then, and without it every upload inside would vanish with a power loss. The parent
   * is fsynced even when the folder exists, as a process that died after creating it may
   * have left its entry unsynced.
   */
  async prepareDirectory(): Promise<void> {
    const created: string[] = [];
    for (let folder = this.directory; ; folder = dirname(folder)) {
      if (await this.#exists(folder)) break;
      created.push(folder);
      if (dirname(folder) === folder) break;
    }
    await this.fs.mkdir(this.directory);
    if (!this.#fsync) return;
    const parents = new Set([dirname(this.directory), ...created.map((folder) => dirname(folder))]);
    for (const parent of parents) await this.syncDirectory(parent);
  }

  /** fsync of a folder (the store's by default): renames, creations and removals in it survive a power loss. */
  async syncDirectory(directory = this.directory): Promise<void> {
    const handle = await this.fs.open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Copies the first `length` bytes of each part, in order, into the (empty) data file of
   * `id`, and fsyncs them. Stops with a `ConcatenationError` when a part is gone or short,
   * and with `signal.reason` when `signal` aborts.
   */
  async concatenate(
    id: string,
    parts: readonly { id: string; length: number }[],
    signal: AbortSignal,
  ): Promise<void> {
    const out = await this.fs.open(this.dataPath(id), 'r+');
    const buffer = Buffer.allocUnsafe(COPY_BYTES);
    let position = 0;
    try {
      for (const part of parts) {
        const input = await this.#openPart(part.id);
        try {
          let copied = 0;
          while (copied < part.length) {
            signal.throwIfAborted();
            const want = Math.min(buffer.length, part.length - copied);
            const { bytesRead } = await input.read(buffer, 0, want, copied);
            if (bytesRead === 0) {
              throw new ConcatenationError(
                `partial upload ${part.id} holds fewer bytes than its length`,
                part.id,
              );
            }
            let done = 0;
            while (done < bytesRead) {
              done += (await out.write(buffer, done, bytesRead - done, position + done))
                .bytesWritten;
            }
            copied += bytesRead;
            position += bytesRead;
          }
        } finally {
          await input.close();
        }
      }
      signal.throwIfAborted();
      await this.sync(out);
    } finally {
      await out.close();
    }
  }

  async #openPart(id: string): Promise<StoreFileHandle> {
    try {
      return await this.fs.open(this.dataPath(id), 'r');
    } catch (error) {
      if (isMissing(error)) {
        throw new ConcatenationError(`partial upload ${id} is gone`, id, { cause: error });
      }
      throw error;
    }
  }

  async #exists(path: string): Promise<boolean> {
    try {
      await this.fs.stat(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async #unlink(path: string): Promise<void> {
    try {
      await this.fs.unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
}
