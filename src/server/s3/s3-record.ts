/**
 * What the S3 store keeps of an upload in its `<key>.info` object: the protocol-neutral
 * `UploadRecord` and the S3 side of it (the multipart upload, its parts, the bytes waiting for
 * the next part). The record is the truth: a part or a waiting object it does not name is not
 * part of the upload (a checksum that failed, a request cut off), and is replaced or removed
 * later. Pure.
 *
 * Keys, for upload `id` and the store's `prefix`:
 * - `<prefix><id>`: the finished upload, one ordinary object (the multipart upload's key);
 * - `<prefix><id>.info`: this record (JSON);
 * - `<prefix><id>.part.<n>`: bytes that do not fill a part yet, in pieces (one per append,
 *   numbered by generation `n`, in order). An append that fills no part adds one piece and
 *   reads none; the pieces are read and joined only when a part fills (or after
 *   `MAX_TAIL_PIECES`, into one piece). A piece is written before the record names it and
 *   removed after the record stops naming it, so a crash between two steps never leaves a
 *   record naming lost bytes.
 */
import { isStoreUploadId, type UploadRecord } from '../store/upload-store.js';

export const RECORD_VERSION = 1;

export interface S3Part {
  /** 1-based. */
  number: number;
  size: number;
  etag: string;
}

/** One piece of the bytes waiting for the next part. */
export interface TailPiece {
  generation: number;
  size: number;
}

/** Pieces of waiting bytes past which an append joins them into one. */
export const MAX_TAIL_PIECES = 16;

export interface S3State {
  /** The multipart upload, once one was created (lazily, with the first full part). */
  multipartId?: string | undefined;
  /** The base part size chosen at creation (see part-plan.ts). */
  partSize: number;
  /** Part sizes double every 1,000 parts (length unknown at creation, no `equalParts`). */
  growing: boolean;
  /** Parts recorded, in order, numbered 1..n. */
  parts: S3Part[];
  /** The pieces holding bytes that wait for the next part, in order (none when empty). */
  tails: TailPiece[];
  /** The next generation number of a waiting-bytes object. */
  nextGeneration: number;
  /** The upload is one object at its key (the multipart upload completed, or one PUT). */
  finished: boolean;
}

export interface S3Record {
  version: typeof RECORD_VERSION;
  upload: UploadRecord;
  s3: S3State;
}

export interface S3Keys {
  object: string;
  info: string;
  /** Prefix of every waiting-bytes object. */
  tails: string;
  tail(generation: number): string;
}

export function keysOf(prefix: string, id: string): S3Keys {
  const object = `${prefix}${id}`;
  return {
    object,
    info: `${object}.info`,
    tails: `${object}.part.`,
    tail: (generation) => `${object}.part.${generation}`,
  };
}

/** Bytes the S3 side holds: the recorded parts and the waiting bytes. */
export function storedBytes(state: S3State): number {
  let total = 0;
  for (const piece of state.tails) total += piece.size;
  for (const part of state.parts) total += part.size;
  return total;
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPart(value: unknown, index: number): value is S3Part {
  if (typeof value !== 'object' || value === null) return false;
  const part = value as Partial<S3Part>;
  return part.number === index + 1 && isSize(part.size) && typeof part.etag === 'string';
}

/**
 * The record in `text` for `id`, `undefined` when it is not one (unreadable, another id, or
 * an offset that is not what its parts and waiting bytes hold, unless finished).
 */
export function parseS3Record(text: string, id: string): S3Record | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<S3Record>;
  const upload = record.upload;
  const s3 = record.s3;
  if (record.version !== RECORD_VERSION || upload === undefined || s3 === undefined) {
    return undefined;
  }
  if (upload.id !== id || !isStoreUploadId(id) || !isSize(upload.offset)) return undefined;
  if (upload.length !== undefined && !isSize(upload.length)) return undefined;
  if (typeof upload.metadata !== 'string' || typeof upload.createdAt !== 'number') {
    return undefined;
  }
  if (!Array.isArray(s3.parts) || !s3.parts.every(isPart) || !isSize(s3.partSize)) {
    return undefined;
  }
  const pieceOk = (piece: Partial<TailPiece> | null): boolean =>
    typeof piece === 'object' && piece !== null && isSize(piece.size) && isSize(piece.generation);
  if (!Array.isArray(s3.tails) || !s3.tails.every(pieceOk)) return undefined;
  if (!isSize(s3.nextGeneration) || typeof s3.finished !== 'boolean') return undefined;
  if (!s3.finished && storedBytes(s3) !== upload.offset) return undefined;
  return record as S3Record;
}

export function serializeS3Record(record: S3Record): string {
  return JSON.stringify(record);
}

/**
 * The user metadata of the finished object: the upload's id, and its metadata as the client
 * sent it when it fits in S3's 2 KiB of user metadata (it is always in the record).
 */
export function objectMetadata(upload: UploadRecord): Record<string, string> {
  const out: Record<string, string> = { 'upload-id': upload.id };
  if (
    upload.metadata !== '' &&
    upload.metadata.length <= 1800 &&
    /^[\x20-\x7e]*$/.test(upload.metadata)
  ) {
    out['upload-metadata'] = upload.metadata;
  }
  return out;
}
