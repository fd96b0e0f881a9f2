/**
 * Errors of the server's seams: a store that could not do what it was asked (`TusStoreError`)
 * and a lock that could not be had (`TusLockError`). Both carry fields for the handlers to map
 * onto an answer (a store error is a 500; a lock that is busy a 423, a locker that is
 * unreachable a 503 with `Retry-After`), and never a credential: messages pass the redaction
 * of `TusError`, and the backends' errors are kept only by their code and message.
 */
import { TusError } from '../../errors/tus-error.js';

/** What a store was doing when it failed. */
export type StoreOperation =
  | 'start'
  | 'create'
  | 'get'
  | 'append'
  | 'update'
  | 'complete'
  | 'concatenate'
  | 'read'
  | 'remove'
  | 'expired';

/**
 * A store could not do what it was asked: the backend refused (an S3 error code in
 * `storeCode`), or what it holds is not what the record says. What the store holds and the
 * record agree after it (see each method's contract in `upload-store.ts`).
 */
export class TusStoreError extends TusError {
  static override readonly kind: string = 'TusStoreError';
  /** The method of the store that failed. */
  readonly operation: StoreOperation;
  /** The upload concerned, when there is one. */
  readonly uploadId: string | undefined;
  /** The backend's own code for the failure (an S3 error code such as `NoSuchBucket`), when it gave one. */
  readonly storeCode: string | undefined;
  constructor(
    message: string,
    details: {
      operation: StoreOperation;
      uploadId?: string | undefined;
      storeCode?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause }, 'TUS_ERR_STORE');
    this.operation = details.operation;
    this.uploadId = details.uploadId;
    this.storeCode = details.storeCode;
  }
}

/**
 * Why a lock could not be had: `busy` (the holder did not let go within the wait: 423),
 * `superseded` (a newer request for the same upload came while this one waited: 423),
 * `stopped` (this request was told to stop before its turn came: `stopReason` says why),
 * `unavailable` (the locker's backend cannot be reached: 503 with `Retry-After`).
 */
export type LockFailure = 'busy' | 'superseded' | 'stopped' | 'unavailable';

/** A lease on an upload could not be had; `failure` says why. */
export class TusLockError extends TusError {
  static override readonly kind: string = 'TusLockError';
  readonly failure: LockFailure;
  /** The upload whose lock was asked for. */
  readonly uploadId: string;
  /** How long to wait before asking again (the `Retry-After` of the answer). */
  readonly retryAfterMs: number;
  /** For `stopped`: why this request was told to stop (`deleted`, `expired`, `closing`...). */
  readonly stopReason: string | undefined;
  constructor(
    message: string,
    details: {
      failure: LockFailure;
      uploadId: string;
      retryAfterMs?: number | undefined;
      stopReason?: string | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause }, 'TUS_ERR_LOCK');
    this.failure = details.failure;
    this.uploadId = details.uploadId;
    this.retryAfterMs = details.retryAfterMs ?? 1000;
    this.stopReason = details.stopReason;
  }
}

/** Type guard: a store's error. */
export function isTusStoreError(value: unknown): value is TusStoreError {
  return value instanceof TusStoreError;
}

/** Type guard: a locker's error. */
export function isTusLockError(value: unknown): value is TusLockError {
  return value instanceof TusLockError;
}
