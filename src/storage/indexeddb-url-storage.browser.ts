/**
 * `IndexedDbUrlStorage`: upload URLs in the browser's IndexedDB, one record per
 * fingerprint. Works where `localStorage` does not (dedicated and service workers), and in
 * pages. Every operation is one IndexedDB transaction, so several tabs or workers writing at
 * once never lose an entry; a write resolves only once its transaction has committed, and a
 * refusal (quota, private mode, a blocked or failed open) is a `TusStorageError`.
 */
import { TusStorageError } from '../errors/index.js';
import {
  checkFingerprint,
  entryJson,
  type StoredUpload,
  toEntry,
  type UrlStorage,
  type UrlStorageEntry,
} from './url-storage.js';

/**
 * The part of `IDBFactory` this class uses, typed without the DOM library so that the
 * declarations load in projects without it (the real `indexedDB` fits).
 */
export interface IndexedDbFactoryLike {
  open(name: string, version?: number): unknown;
}

export interface IndexedDbUrlStorageOptions {
  /** The IndexedDB factory to use. @default globalThis.indexedDB */
  indexedDB?: IndexedDbFactoryLike | undefined;
  /** Name of the database (one object store, `uploads`, inside). @default 'resumable-upload' */
  databaseName?: string | undefined;
}

export const DEFAULT_INDEXEDDB_NAME = 'resumable-upload';
const STORE = 'uploads';
const VERSION = 1;

export class IndexedDbUrlStorage implements UrlStorage {
  readonly databaseName: string;
  readonly #factory: IDBFactory | undefined;
  #db: Promise<IDBDatabase> | undefined;

  constructor(options: IndexedDbUrlStorageOptions = {}) {
    this.databaseName = options.databaseName ?? DEFAULT_INDEXEDDB_NAME;
    if (typeof this.databaseName !== 'string' || this.databaseName === '') {
      throw new TypeError('IndexedDbUrlStorage databaseName must be a non-empty string');
    }
    this.#factory = (options.indexedDB as IDBFactory | undefined) ?? defaultFactory();
  }

  async get(fingerprint: string): Promise<UrlStorageEntry | undefined> {
    const key = checkFingerprint(fingerprint);
    const value = await this.#run('readonly', 'read the upload URL', (store) => store.get(key));
    return toEntry(value);
  }

  async set(fingerprint: string, entry: UrlStorageEntry): Promise<void> {
    const key = checkFingerprint(fingerprint);
    const checked = toEntry(entry);
    if (checked === undefined) {
      throw new TypeError('a URL storage entry needs uploadUrl, size, createdAt and metadata');
    }
    await this.#run('readwrite', 'store the upload URL', (store) =>
      store.put(entryJson(checked), key),
    );
  }

  async remove(fingerprint: string): Promise<void> {
    const key = checkFingerprint(fingerprint);
    await this.#run('readwrite', 'remove the upload URL', (store) => store.delete(key));
  }

  async list(): Promise<StoredUpload[]> {
    const uploads: StoredUpload[] = [];
    await this.#run('readonly', 'list the upload URLs', (store) => {
      const request = store.openCursor();
      request.onsuccess = () => {
        const cursor = request.result;
        if (cursor === null) return;
        const entry = toEntry(cursor.value);
        if (typeof cursor.key === 'string' && entry !== undefined) {
          uploads.push({ fingerprint: cursor.key, ...entry });
        }
        cursor.continue();
      };
      return request;
    });
    return uploads;
  }

  /**
   * One transaction on the store: `work` makes its request(s); resolves with the result of
   * the request it returns once the transaction has completed (committed, for writes).
   */
  async #run(
    mode: IDBTransactionMode,
    what: string,
    work: (store: IDBObjectStore) => IDBRequest,
  ): Promise<unknown> {
    const db = await this.#open();
    return new Promise<unknown>((resolve, reject) => {
      let tx: IDBTransaction;
      let request: IDBRequest;
      try {
        tx = db.transaction(STORE, mode);
        request = work(tx.objectStore(STORE));
      } catch (cause) {
        // InvalidStateError when the connection was closed under us: open afresh next time.
        this.#db = undefined;
        reject(storageError(what, cause));
        return;
      }
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(storageError(what, tx.error ?? request.error));
      tx.onabort = () => reject(storageError(what, tx.error ?? request.error ?? 'aborted'));
    });
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= this.#openFresh();
    const opening = this.#db;
    opening.catch(() => {
      if (this.#db === opening) this.#db = undefined;
    });
    return opening;
  }

  #openFresh(): Promise<IDBDatabase> {
    const factory = this.#factory;
    if (factory === undefined) {
      return Promise.reject(
        new TusStorageError(
          'IndexedDB is not available here: pass an indexedDB option, or use InMemoryUrlStorage',
        ),
      );
    }
    return new Promise<IDBDatabase>((resolve, reject) => {
      let request: IDBOpenDBRequest;
      try {
        request = factory.open(this.databaseName, VERSION);
      } catch (cause) {
        // SecurityError in opaque origins and some privacy modes.
        reject(storageError('open IndexedDB', cause));
        return;
      }
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) {
          request.result.createObjectStore(STORE);
        }
      };
      // No onblocked: at version 1 there is nothing to upgrade from while others hold the
      // database open; a newer version held by someone else is an onerror (VersionError).
      request.onerror = (event) => {
        event.preventDefault();
        reject(storageError('open IndexedDB', request.error ?? 'refused'));
      };
      request.onsuccess = () => {
        const db = request.result;
        const forget = () => {
          this.#db = undefined;
        };
        // Another page upgrading or deleting the database: let it, and open again next time.
        db.onversionchange = () => {
          db.close();
          forget();
        };
        db.onclose = forget;
        resolve(db);
      };
    });
  }
}

function storageError(what: string, cause: unknown): TusStorageError {
  const described =
    typeof cause === 'object' && cause !== null && 'name' in cause
      ? `${String((cause as { name: unknown }).name)}: ${String((cause as { message?: unknown }).message ?? '')}`
      : String(cause);
  return new TusStorageError(`cannot ${what} in IndexedDB: ${described}`, { cause });
}

function defaultFactory(): IDBFactory | undefined {
  try {
    return (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  } catch {
    return undefined;
  }
}

/** Whether `localStorage` can be used here (absent in workers; throws in some sandboxes). */
export function hasLocalStorage(): boolean {
  try {
    return (globalThis as { localStorage?: unknown }).localStorage != null;
  } catch {
    return false;
  }
}
