/**
 * What the request handlers share: options, the store, the per-upload locks, URLs, and the
 * rules of an upload's life (expiry, completion). Any protocol's handlers can use it.
 */
import type { IncomingMessage } from 'node:http';
import type { FileStore } from './file-store.node.js';
import type { ResolvedServerOptions } from './server-options.js';
import type { UploadLocks } from './upload-locks.js';
import { isComplete, refuse, type StoredUpload } from './upload-record.js';

/** What a handler answers; the server adds the common headers (Tus-Resumable, CORS). */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Media type of `body`. @default 'text/plain; charset=utf-8' */
  contentType?: string;
}

export interface ServerContext {
  readonly options: ResolvedServerOptions;
  readonly store: FileStore;
  readonly locks: UploadLocks;
  /** The URL of upload `id` as clients reach it (absolute when the origin is known). */
  uploadUrl(req: IncomingMessage, id: string): string;
  /** The id a partial upload URL names on this server, `undefined` when it names none. */
  idFromUrl(req: IncomingMessage, url: string): string | undefined;
  /** Runs `onUploadFinish` (errors go to `onError`). */
  finished(upload: StoredUpload): Promise<void>;
}

/** The upload `id`: 404 when unknown, 410 when it expired. */
export async function loadUpload(context: ServerContext, id: string): Promise<StoredUpload> {
  const upload = await context.store.get(id);
  if (upload === undefined) refuse(404, 'no such upload (it never existed or was deleted)');
  if (isExpired(upload, Date.now())) refuse(410, 'this upload expired and is gone');
  return upload;
}

export function isExpired(upload: StoredUpload, now: number): boolean {
  return upload.expiresAt !== undefined && now > upload.expiresAt;
}

/** `Upload-Expires` (RFC 7231 date) of an unfinished upload. */
export function expiresHeader(upload: StoredUpload): Record<string, string> {
  if (upload.expiresAt === undefined || isComplete(upload)) return {};
  return { 'Upload-Expires': new Date(upload.expiresAt).toUTCString() };
}

type ExpiryOptions = Pick<ResolvedServerOptions, 'expireAfterMs' | 'expireCompletedAfterMs'>;

/** `upload` with the expiry its state calls for at `now` (unfinished, or just completed). */
export function withExpiry(
  upload: StoredUpload,
  options: ExpiryOptions,
  now: number,
): StoredUpload {
  const after = isComplete(upload) ? options.expireCompletedAfterMs : options.expireAfterMs;
  const next: StoredUpload = { ...upload };
  if (Number.isFinite(after)) next.expiresAt = now + after;
  else delete next.expiresAt;
  return next;
}
