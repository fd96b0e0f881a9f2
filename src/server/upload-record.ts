/**
 * What the server records of one upload (its `.json` info file), and the error a request
 * is answered with.
 */
import { TusError, type TusErrorDetails } from '../errors/tus-error.js';
import type { DraftState } from './ietf/draft-state.js';

/** One upload as the server stores it. */
export interface StoredUpload {
  /** 32 lower-case hex characters; also the data file's name. */
  id: string;
  /** Total bytes, `undefined` while the length is deferred. */
  length: number | undefined;
  /** Bytes stored and recorded (the data file never holds more once a request ended). */
  offset: number;
  /** The raw `Upload-Metadata` header, checked at creation (`''` when none). */
  metadata: string;
  /** `partial`, `final` (with the ids of its parts, in order) or absent. */
  concat?: { type: 'partial' } | { type: 'final'; parts: string[] } | undefined;
  /** ms since the epoch. */
  createdAt: number;
  /**
   * ms since the epoch after which the upload is gone (410, then removed by the cleanup):
   * `expireAfterMs` after the last PATCH while unfinished, `expireCompletedAfterMs` after
   * completion once complete; absent = never.
   */
  expiresAt?: number | undefined;
  /** Present on an upload created through the IETF draft (src/server/ietf). */
  draft?: DraftState | undefined;
}

/** Whether `id` is one the store could have made (guards every path built from a URL). */
export function isUploadId(id: string): boolean {
  return /^[0-9a-f]{32}$/.test(id);
}

export function isComplete(upload: StoredUpload): boolean {
  return upload.length !== undefined && upload.offset >= upload.length;
}

/**
 * A request the server refuses: `status` and a message for people become the answer.
 * Hooks may throw it to refuse a creation with their own status.
 */
export class TusServerRequestError extends TusError {
  static override readonly kind: string = 'TusServerRequestError';
  /** The HTTP status the request is answered with. */
  override readonly status: number;
  /** Extra response headers (e.g. `Tus-Version` on 412). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    status: number,
    message: string,
    headers: Readonly<Record<string, string>> = {},
    details: TusErrorDetails = {},
  ) {
    super(message, { ...details, status }, 'TUS_ERR_SERVER_REQUEST');
    this.status = status;
    this.headers = headers;
  }
}

/** Shorthand for a refused request. */
export function refuse(status: number, message: string, headers?: Record<string, string>): never {
  throw new TusServerRequestError(status, message, headers);
}
