/**
 * The server's storage seam (DESIGN.md "The server's seams"): what the protocol handlers of
 * tus 1.0 and of the IETF draft ask of wherever uploads live — a folder (the file store) or an
 * object store (`s3Store`). A handler never sees a file handle or an S3 call; a store never
 * parses a header. Pure types: no I/O here.
 *
 * Every method is called with the upload's lease held (`Locker`), except `create`, `get`
 * and `expired`; a store may therefore assume one changing call per upload at a time. A
 * store shared by several instances caches no record (or only under the lease).
 *
 * Capabilities beyond the core are small optional interfaces (`ConcatenatingStore`,
 * `ReadableStore`), checked once when the server starts, as tusd's `StoreComposer` does.
 */
import type { ChecksumAlgorithm } from '../../types.js';

/** An upload as every store records it, whichever protocol made it. */
export interface UploadRecord {
  /** 32 lower-case hex characters, made by the store. */
  id: string;
  /** Total bytes; `undefined` while the length is deferred. */
  length: number | undefined;
  /** Bytes stored durably and recorded: never more than the store holds. */
  offset: number;
  /** Metadata as the client sent it (`''` when none); the store keeps it and never parses it. */
  metadata: string;
  /** `partial`, `final` (with the ids of its parts, in order) or absent. */
  concat?: { type: 'partial' } | { type: 'final'; parts: string[] } | undefined;
  /** ms since the epoch. */
  createdAt: number;
  /** ms since the epoch after which the upload is gone (the handlers compute it); absent = never. */
  expiresAt?: number | undefined;
  /**
   * Digests of the whole upload the client declared (algorithm → base64), to be checked or
   * answered with once complete. The store keeps them; it does not check them.
   */
  digests?: Partial<Record<ChecksumAlgorithm, string>> | undefined;
  /**
   * What one protocol keeps of its own beside the shared fields, under its name (e.g.
   * `{ ietf: { length: 10 } }`): JSON values only, stored and returned as given.
   */
  protocolState?: Record<string, unknown> | undefined;
}

/** Whether `id` is one a store could have made (guards every key built from a URL). */
export function isStoreUploadId(id: string): boolean {
  return /^[0-9a-f]{32}$/.test(id);
}

/** Complete: the length is known and every byte of it is stored. */
export function isRecordComplete(record: UploadRecord): boolean {
  return record.length !== undefined && record.offset >= record.length;
}

/** What `create` takes: the record's fields but those the store decides. */
export type NewUpload = Omit<UploadRecord, 'id' | 'offset' | 'createdAt'> & {
  /** @default Date.now() */
  createdAt?: number | undefined;
};

/** Fields `update` may change. */
export interface UploadChanges {
  /** Declares a deferred length (never changes a known one). */
  length?: number | undefined;
  expiresAt?: number | undefined;
  /** Removes the expiry. */
  clearExpiry?: boolean | undefined;
  digests?: UploadRecord['digests'];
  protocolState?: UploadRecord['protocolState'];
}

/** The checksum a chunk must match; checked before any of its bytes become part of the upload. */
export interface ChunkChecksum {
  /** Algorithms to hash the chunk with (the one named, or every one a trailer may name). */
  algorithms: readonly ChecksumAlgorithm[];
  /**
   * The digest the chunk must have, asked once its body has ended (a trailer is known only
   * then); `undefined` when none came (nothing is kept).
   */
  expected(): { algorithm: ChecksumAlgorithm; digest: string } | undefined;
}

/** What `append` takes. */
export interface AppendInput {
  /** Where the bytes go: the record's offset (anything else is a `TusStoreError`). */
  offset: number;
  /**
   * The bytes; an iteration that throws is a client that went away. A store may keep a chunk
   * until the append ends: a source must not reuse a chunk's memory after yielding it.
   */
  body: AsyncIterable<Uint8Array>;
  /** Most bytes to take; a body longer than that keeps nothing (`overflow`). */
  limit: number;
  /** When given, nothing is kept unless the whole body arrived and matched it. */
  checksum?: ChunkChecksum | undefined;
  /** Aborts the reading (a newer request, a DELETE, shutdown): what arrived is kept as if the client went away. */
  signal: AbortSignal;
  /** The expiry of the record as it will be saved (given the record with its new offset). */
  expiry?: ((next: UploadRecord) => number | undefined) | undefined;
}

/** How the checksum of a chunk turned out. */
export type ChecksumOutcome = 'none' | 'match' | 'mismatch' | 'missing';

/** What `append` did. */
export interface AppendResult {
  /** The record as saved after the append (the same as before when nothing was kept). */
  upload: UploadRecord;
  /** Bytes of this body that became part of the upload. */
  kept: number;
  /** Bytes read from the body (up to `limit`). */
  received: number;
  /** `false` when the body ended early (client gone, idle, `signal`). */
  ended: boolean;
  /** The body was longer than `limit`: nothing was kept. */
  overflow: boolean;
  checksum: ChecksumOutcome;
  /** base64 digests of the bytes received, per algorithm of `checksum`. */
  digests: ReadonlyMap<ChecksumAlgorithm, string>;
}

/** A byte range of a complete upload, `end` exclusive. */
export interface ReadRange {
  start?: number | undefined;
  end?: number | undefined;
}

export interface UploadStore {
  /** For messages and logs: `file`, `s3`… */
  readonly kind: string;
  /**
   * Checks once that the store can work (the folder exists, the bucket exists and the
   * credentials are taken); throws a `TusStoreError` naming what is wrong otherwise.
   */
  start(): Promise<void>;
  /** A new, empty upload (offset 0) with a new id, recorded before it is returned. */
  create(upload: NewUpload): Promise<UploadRecord>;
  /** The record of `id`, `undefined` when there is none (never an error for an unknown or malformed id). */
  get(id: string): Promise<UploadRecord | undefined>;
  /**
   * Bytes of `input.body` at `input.offset`. The record is saved only after the bytes it
   * counts are durable; what was not recorded is never part of the upload. Once the record
   * reaches its length, the upload is finished (one readable whole) before `append` returns.
   *
   * - over `limit`: nothing kept (`overflow`);
   * - with `checksum`: kept only if the whole body arrived and its digest matched, else
   *   nothing (`mismatch` / `missing`, or `ended: false`);
   * - without: what arrived, also when the body ended early;
   * - a backend failure: throws a `TusStoreError` after recording what is durably kept
   *   (without a checksum) or nothing (with one); the record never counts a byte the store
   *   does not hold.
   */
  append(id: string, input: AppendInput): Promise<AppendResult>;
  /**
   * Changes the record. Declaring a length equal to the offset finishes the upload (as
   * `append` does when it reaches the length). Throws a `TusStoreError` when `id` is unknown,
   * or the length is already known, or smaller than the offset.
   */
  update(id: string, changes: UploadChanges): Promise<UploadRecord>;
  /**
   * Removes `id` and everything the store keeps for it (bytes, helper objects, unfinished
   * multipart uploads); the record goes first, so the upload is gone from the first step on.
   * Removing an unknown id does nothing.
   */
  remove(id: string): Promise<void>;
  /** Ids of uploads whose `expiresAt` is before `now`. */
  expired(now: number): Promise<string[]>;
  /** Lets go of connections and timers. */
  close(): Promise<void>;
}

/** A store that can concatenate finished uploads into a new one (tus `concatenation`). */
export interface ConcatenatingStore extends UploadStore {
  /**
   * Fills the empty upload `id` (created with its final length) with the bytes of `parts`, in
   * order, each a finished upload of that length, and finishes it. Throws a `TusStoreError`
   * when a part is gone or short (`uploadId` names it), and `signal.reason` when it aborts;
   * `id` then stays empty.
   */
  concatenate(
    id: string,
    parts: readonly { id: string; length: number }[],
    signal: AbortSignal,
  ): Promise<UploadRecord>;
}

/** A store whose finished uploads can be read back (GET, and the tests). */
export interface ReadableStore extends UploadStore {
  /** The bytes of the finished upload `id` in `range`; a `TusStoreError` when it is not finished. */
  read(id: string, range?: ReadRange): Promise<AsyncIterable<Uint8Array>>;
}

export function canConcatenate(store: UploadStore): store is ConcatenatingStore {
  return typeof (store as Partial<ConcatenatingStore>).concatenate === 'function';
}

export function canRead(store: UploadStore): store is ReadableStore {
  return typeof (store as Partial<ReadableStore>).read === 'function';
}
