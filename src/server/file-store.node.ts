/**
 * File-system storage of our tus server: per upload `<id>` (the bytes) and `<id>.json`
 * (its `StoredUpload`). The info file is replaced atomically (temp file + rename), and a
 * PATCH's bytes are fsynced before the info file records them, so a killed process leaves
 * at most unrecorded bytes past the offset, which `recover()` (at start) and every write
 * (before it starts) cut off.
 */
import { randomBytes } from 'node:crypto';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredUpload } from './upload-record.js';

const ID = /^[0-9a-f]{32}$/;

/** Whether `id` is one this store could have made (guards every path built from a URL). */
export function isUploadId(id: string): boolean {
  return ID.test(id);
}

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
  if (record.id !== id || !Number.isSafeInteger(record.offset) || !lengthOk) return undefined;
  if (typeof record.metadata !== 'string' || typeof record.createdAt !== 'number') return undefined;
  return record as StoredUpload;
}

export class FileStore {
  readonly directory: string;
  readonly #fsync: boolean;
  /** Records read or written by this process (the store assumes it owns the folder). */
  readonly #cache = new Map<string, StoredUpload>();

  constructor(directory: string, fsync: boolean) {
    this.directory = directory;
    this.#fsync = fsync;
  }

  /** Creates the folder and cuts every data file back to its recorded offset. */
  async recover(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    for (const id of await this.ids()) {
      const record = await this.get(id);
      if (record === undefined) continue;
      const size = await stat(this.dataPath(id)).then(
        (s) => s.size,
        () => undefined,
      );
      if (size === undefined) await writeFile(this.dataPath(id), '');
      else if (size > record.offset) await this.#truncate(id, record.offset);
    }
  }

  newId(): string {
    return randomBytes(16).toString('hex');
  }

  dataPath(id: string): string {
    return join(this.directory, id);
  }

  #infoPath(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  async ids(): Promise<string[]> {
    const names = await readdir(this.directory);
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter(isUploadId);
  }

  /** The record of `id`, `undefined` when there is none (or it is unreadable). */
  async get(id: string): Promise<StoredUpload | undefined> {
    if (!isUploadId(id)) return undefined;
    const cached = this.#cache.get(id);
    if (cached !== undefined) return { ...cached };
    let text: string;
    try {
      text = await readFile(this.#infoPath(id), 'utf8');
    } catch {
      return undefined;
    }
    const record = parseRecord(text, id);
    if (record !== undefined) this.#cache.set(id, record);
    return record === undefined ? undefined : { ...record };
  }

  /** A new, empty upload. */
  async create(record: StoredUpload): Promise<void> {
    await writeFile(this.dataPath(record.id), '', { flag: 'wx' });
    await this.save(record);
  }

  /** Replaces the info file atomically. */
  async save(record: StoredUpload): Promise<void> {
    const target = this.#infoPath(record.id);
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, JSON.stringify(record));
    await rename(temp, target);
    this.#cache.set(record.id, { ...record });
  }

  async remove(id: string): Promise<void> {
    this.#cache.delete(id);
    await rm(this.#infoPath(id), { force: true });
    await rm(this.dataPath(id), { force: true });
  }

  /** Opens the data file for writing at `offset`, first cutting anything past it. */
  async openAt(id: string, offset: number): Promise<FileHandle> {
    const handle = await open(this.dataPath(id), 'r+');
    try {
      const { size } = await handle.stat();
      if (size !== offset) await handle.truncate(offset);
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Makes written bytes durable (when the store fsyncs). */
  async sync(handle: FileHandle): Promise<void> {
    if (this.#fsync) await handle.datasync();
  }

  /** Writes the parts' bytes, in order, into the (empty) data file of `id`; fsyncs them. */
  async concatenate(id: string, parts: readonly string[]): Promise<void> {
    const out = await open(this.dataPath(id), 'r+');
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    let position = 0;
    try {
      for (const part of parts) {
        const input = await open(this.dataPath(part), 'r');
        try {
          for (;;) {
            const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            await out.write(buffer, 0, bytesRead, position);
            position += bytesRead;
          }
        } finally {
          await input.close();
        }
      }
      await this.sync(out);
    } finally {
      await out.close();
    }
  }

  async #truncate(id: string, size: number): Promise<void> {
    const handle = await open(this.dataPath(id), 'r+');
    try {
      await handle.truncate(size);
    } finally {
      await handle.close();
    }
  }
}
