/**
 * `FileUrlStorage`: upload URLs in one JSON file, shared safely by every process of the user.
 *
 * - Writes are atomic: the new content goes to a temporary file (created 0600) that is
 *   renamed over the old one, so a reader (or a crash) never sees half a file.
 * - Writers are serialised across processes with proper-lockfile (a `<file>.lock`
 *   directory, refreshed while held, taken over when stale): read, change, write happen
 *   under the lock, so two processes adding different entries never lose one.
 * - A file that is not valid JSON (truncated by a full disk, edited by hand) is moved aside
 *   to `<file>.corrupt-<time>` with a warning naming both paths, and an empty store is
 *   started: never a crash, and the old content is kept for whoever wants it.
 * - Entries this version does not understand are kept as they are when others are written.
 * - In a folder others can write: a symlink planted at the path is never followed, and a
 *   file that is not this user's is neither read nor written (`private-file.node.ts`).
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { lock } from 'proper-lockfile';
import { TusStorageError, TusUnsafeFileError } from '../errors/index.js';
import { defaultUrlStoragePath } from './default-path.node.js';
import { CREATE_PRIVATE, openPrivateFile, READ_PRIVATE } from './private-file.node.js';
import {
  checkFingerprint,
  entryJson,
  type StoredUpload,
  toEntry,
  type UrlStorage,
  type UrlStorageEntry,
} from './url-storage.js';

export interface FileUrlStorageOptions {
  /**
   * The JSON file. Its folder is created (0700) when missing.
   * @default defaultUrlStoragePath(): XDG state dir, ~/Library/Application Support, %APPDATA%
   */
  path?: string | undefined;
  /**
   * Receives warnings (a corrupt file moved aside, a lock taken over).
   * @default (message) => process.emitWarning(message, { code: 'RESUMABLE_UPLOAD_URL_STORAGE' })
   */
  onWarning?: ((message: string) => void) | undefined;
  /** How long to wait for another process's lock before failing, in ms. @default 15_000 */
  lockTimeout?: number | undefined;
}

const NAMES = {
  what: 'the URL storage file',
  instead: 'or choose another path (the CLI: --store-file)',
};

/** A held lock older than this (not refreshed: its process died) is taken over. */
const STALE_MS = 5000;
const FORMAT_VERSION = 1;

type RawEntries = Map<string, unknown>;

export class FileUrlStorage implements UrlStorage {
  /** The absolute path of the JSON file. */
  readonly path: string;
  readonly #warn: (message: string) => void;
  readonly #lockTimeout: number;

  constructor(options: FileUrlStorageOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('FileUrlStorage options must be an object');
    }
    const path = options.path ?? defaultUrlStoragePath();
    if (typeof path !== 'string' || path === '') {
      throw new TypeError(`FileUrlStorage path must be a non-empty string, got ${typeof path}`);
    }
    const lockTimeout = options.lockTimeout ?? 15_000;
    if (typeof lockTimeout !== 'number' || !(lockTimeout > 0)) {
      throw new RangeError(`FileUrlStorage lockTimeout must be more than 0 ms, got ${lockTimeout}`);
    }
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
      throw new TypeError('FileUrlStorage onWarning must be a function');
    }
    this.path = resolve(path);
    this.#lockTimeout = lockTimeout;
    this.#warn =
      options.onWarning ??
      ((message) => process.emitWarning(message, { code: 'RESUMABLE_UPLOAD_URL_STORAGE' }));
  }

  async get(fingerprint: string): Promise<UrlStorageEntry | undefined> {
    checkFingerprint(fingerprint);
    return toEntry((await this.#read()).get(fingerprint));
  }

  async list(): Promise<StoredUpload[]> {
    const uploads: StoredUpload[] = [];
    for (const [fingerprint, raw] of await this.#read()) {
      const entry = toEntry(raw);
      if (entry !== undefined) uploads.push({ fingerprint, ...entry });
    }
    return uploads;
  }

  async set(fingerprint: string, entry: UrlStorageEntry): Promise<void> {
    checkFingerprint(fingerprint);
    const checked = toEntry(entry);
    if (checked === undefined) {
      throw new TypeError('a URL storage entry needs uploadUrl, size, createdAt and metadata');
    }
    await this.#update((entries) => {
      entries.set(fingerprint, entryJson(checked));
      return true;
    });
  }

  async remove(fingerprint: string): Promise<void> {
    checkFingerprint(fingerprint);
    await this.#update((entries) => entries.delete(fingerprint));
  }

  /** The entries, without the lock (a rename is atomic); a corrupt file is repaired under it. */
  async #read(): Promise<RawEntries> {
    const text = await this.#readText();
    if (text === undefined) return new Map();
    const entries = parse(text);
    if (entries !== undefined) return entries;
    return this.#update(() => false);
  }

  /** Read, `change`, write (when it says so or the file was corrupt), under the lock. */
  async #update(change: (entries: RawEntries) => boolean): Promise<RawEntries> {
    await this.#mkdir();
    const release = await this.#lock();
    try {
      const text = await this.#readText();
      let entries = text === undefined ? new Map<string, unknown>() : parse(text);
      let repaired = false;
      if (entries === undefined) {
        await this.#moveAside(text);
        entries = new Map();
        repaired = true;
      }
      if (change(entries) || repaired) await this.#write(entries);
      return entries;
    } finally {
      await release().catch(() => {});
    }
  }

  /** The file's text; never through a planted symlink, nor a file of another user. */
  async #readText(): Promise<string | undefined> {
    let handle: FileHandle | undefined;
    try {
      handle = await openPrivateFile(this.path, READ_PRIVATE, NAMES);
      return handle === undefined ? undefined : await handle.readFile('utf8');
    } catch (cause) {
      if (cause instanceof TusUnsafeFileError) throw cause;
      throw this.#error(`cannot read the URL storage file ${this.path}`, cause);
    } finally {
      await handle?.close();
    }
  }

  async #mkdir(): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw this.#error(`cannot create the folder of the URL storage file ${this.path}`, cause);
    }
  }

  async #lock(): Promise<() => Promise<void>> {
    try {
      return await lock(this.path, {
        realpath: false,
        stale: STALE_MS,
        retries: {
          retries: 10_000,
          factor: 1.3,
          minTimeout: 2,
          maxTimeout: 25,
          randomize: true,
          maxRetryTime: this.#lockTimeout,
        },
        // Only possible when this process stalled for longer than STALE_MS while holding it.
        onCompromised: () =>
          this.#warn(`the lock on ${this.path} was taken over by another process`),
      });
    } catch (cause) {
      throw this.#error(
        `cannot lock the URL storage file ${this.path} (held by another process for more than ${this.#lockTimeout} ms; remove ${this.path}.lock if no other process uses it)`,
        cause,
      );
    }
  }

  /** Renames the unreadable file to `<path>.corrupt-<time>` and says so. */
  async #moveAside(text: string | undefined): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const aside = `${this.path}.corrupt-${stamp}`;
    try {
      await rename(this.path, aside);
    } catch (cause) {
      throw this.#error(`cannot move the corrupt URL storage file ${this.path} aside`, cause);
    }
    const what = text === '' ? 'empty' : 'not a valid URL storage file (truncated or not JSON)';
    this.#warn(
      `resumable-upload: the URL storage file ${this.path} was ${what}; it was moved to ${aside} and an empty store was started. Uploads recorded in it will not be resumed automatically.`,
    );
  }

  /** Writes `entries` to a 0600 temporary file, flushes it, and renames it over the file. */
  async #write(entries: RawEntries): Promise<void> {
    // fromEntries defines keys (even `__proto__`) as own properties.
    const uploads = Object.fromEntries(entries);
    const text = `${JSON.stringify({ version: FORMAT_VERSION, uploads }, null, 2)}\n`;
    const temp = `${this.path}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    try {
      // O_EXCL: a file (or symlink) planted at the temporary name is never written through.
      const handle = await openPrivateFile(temp, CREATE_PRIVATE, NAMES);
      if (handle === undefined) throw new Error(`${temp} could not be created`);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await renameReplacing(temp, this.path);
    } catch (cause) {
      await unlink(temp).catch(() => {});
      throw this.#error(`cannot write the URL storage file ${this.path}`, cause);
    }
  }

  #error(message: string, cause: unknown): TusStorageError {
    const reason = (cause as { code?: unknown } | null)?.code;
    const suffix = typeof reason === 'string' ? `: ${reason}` : '';
    return new TusStorageError(`${message}${suffix}`, { cause, path: this.path });
  }
}

/** The entries of a storage file, `undefined` when it is not one (not JSON, wrong shape). */
function parse(text: string): RawEntries | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const uploads = (data as { uploads?: unknown }).uploads;
  if (typeof uploads !== 'object' || uploads === null || Array.isArray(uploads)) return undefined;
  return new Map(Object.entries(uploads));
}

/** `rename`, retried briefly where Windows refuses to replace a file another process reads. */
async function renameReplacing(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const busy = code === 'EPERM' || code === 'EACCES' || code === 'EBUSY';
      if (process.platform !== 'win32' || !busy || attempt >= 10) throw error;
      await new Promise((done) => setTimeout(done, 20 * (attempt + 1)));
    }
  }
}
