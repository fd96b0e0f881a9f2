/**
 * What the request handlers share: options, the store, the per-upload locks, URLs.
 */
import type { IncomingMessage } from 'node:http';
import type { FileStore } from './file-store.node.js';
import type { ResolvedServerOptions } from './server-options.js';
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
  /** The absolute URL of upload `id`, as the client reached this server. */
  uploadUrl(req: IncomingMessage, id: string): string;
  /** The id an upload URL (absolute or relative) names on this server, if any. */
  idFromUrl(url: string): string | undefined;
  /** Runs `onUploadFinish` (errors go to `onError`). */
  finished(upload: StoredUpload): Promise<void>;
}

/** The upload `id`: 404 when unknown, 410 when it expired unfinished. */
export async function loadUpload(context: ServerContext, id: string): Promise<StoredUpload> {
  const upload = await context.store.get(id);
  if (upload === undefined) refuse(404, 'no such upload (it never existed or was deleted)');
  if (isExpired(upload, Date.now())) refuse(410, 'this upload expired unfinished and is gone');
  return upload;
}

export function isExpired(upload: StoredUpload, now: number): boolean {
  return upload.expiresAt !== undefined && now > upload.expiresAt && !isComplete(upload);
}

/** `Upload-Expires` (RFC 7231 date) of an unfinished upload. */
export function expiresHeader(upload: StoredUpload): Record<string, string> {
  if (upload.expiresAt === undefined || isComplete(upload)) return {};
  return { 'Upload-Expires': new Date(upload.expiresAt).toUTCString() };
}

export function nextExpiry(options: ResolvedServerOptions, now: number): number | undefined {
  return Number.isFinite(options.expireAfterMs) ? now + options.expireAfterMs : undefined;
}

interface Holder {
  controller: AbortController;
  released: Promise<void>;
  release: () => void;
}

/** One writer per upload: a second one is refused (423) instead of interleaving bytes. */
export class UploadLocks {
  readonly #held = new Map<string, Holder>();

  /** The lock of `id` (its signal aborts when someone ends the upload), or a 423. */
  acquire(id: string): { signal: AbortSignal; release: () => void } {
    if (this.#held.has(id)) {
      refuse(423, 'another request is writing to this upload; retry once it has ended', {
        'Retry-After': '1',
      });
    }
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder: Holder = { controller: new AbortController(), released, release };
    this.#held.set(id, holder);
    return {
      signal: holder.controller.signal,
      release: () => {
        if (this.#held.get(id) === holder) this.#held.delete(id);
        holder.release();
      },
    };
  }

  /** Aborts the writer of `id` (if any) and waits until it let go. */
  async interrupt(id: string): Promise<void> {
    const holder = this.#held.get(id);
    if (holder === undefined) return;
    holder.controller.abort();
    await holder.released;
  }

  /** Aborts every writer and waits for all of them. */
  async interruptAll(): Promise<void> {
    await Promise.all([...this.#held.keys()].map((id) => this.interrupt(id)));
  }

  get size(): number {
    return this.#held.size;
  }
}
