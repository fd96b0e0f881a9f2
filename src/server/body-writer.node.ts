/**
 * Streams a request body into a data file at an offset, hashing it on the way: never the
 * whole body in memory (writes are batched up to 1 MiB). Counts only bytes the file took.
 *
 * Three ways a body ends early, told apart: the client went away (or `signal` aborted, or
 * no byte came for `idleMs`): `ended` is false; the file refused a write (EIO, ENOSPC,
 * EFBIG…): `failure` holds the error, nothing past `written` was written, and the rest of
 * the body is read and dropped (up to 16 MiB) so the client can read the answer.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ServerChecksumAlgorithm } from './request-headers.js';
import type { StoreFileHandle } from './store-fs.node.js';

const BATCH_BYTES = 1024 * 1024;
/** Bytes read and dropped past the limit (or past a failed write) before the connection is cut. */
const DISCARD_BYTES = 16 * 1024 * 1024;

export interface BodyResult {
  /** Bytes written to the file (at most `limit`): the file took every one of them. */
  written: number;
  /** `false` when the client went away, `signal` aborted or the body went idle before its end. */
  ended: boolean;
  /** `true` when the body was longer than `limit` (nothing past it was written). */
  overflow: boolean;
  /** The error of the write that failed, if one did (`written` stops before it). */
  failure: unknown;
  /** base64 digest of the bytes kept, per requested algorithm. */
  digests: Map<ServerChecksumAlgorithm, string>;
}

export interface BodyTarget {
  handle: StoreFileHandle;
  /** Where the first byte goes. */
  start: number;
  /** Most bytes to write. */
  limit: number;
}

export async function writeBody(
  req: IncomingMessage,
  target: BodyTarget,
  algorithms: readonly ServerChecksumAlgorithm[],
  signal: AbortSignal,
  idleMs: number,
): Promise<BodyResult> {
  const { handle, start, limit } = target;
  const hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  let position = start;
  let kept = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  let overflow = false;
  let failure: unknown;
  let stopped = false;
  const flush = async (): Promise<void> => {
    const batch = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    if (bytes === 0 || failure !== undefined) return;
    let done = 0;
    try {
      while (done < bytes) {
        const { bytesWritten } = await handle.writev(sliceFrom(batch, done), position);
        if (bytesWritten <= 0) throw new Error('the data file took no bytes of a write');
        done += bytesWritten;
        position += bytesWritten;
      }
    } catch (error) {
      failure = error;
    }
  };
  const stop = (): void => {
    stopped = true;
    req.destroy();
  };
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (Number.isFinite(idleMs)) timer = setTimeout(stop, idleMs);
  };
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  let ended = true;
  try {
    arm();
    for await (const data of req) {
      clearTimeout(timer);
      const chunk = data as Buffer;
      const room = failure === undefined ? limit - kept : 0;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      if (part.length < chunk.length) {
        if (failure === undefined) overflow = true;
        dropped += chunk.length - part.length;
        if (dropped > DISCARD_BYTES) break;
      }
      if (part.length > 0) {
        for (const [, hash] of hashes) hash.update(part);
        pending.push(part);
        pendingBytes += part.length;
        kept += part.length;
        if (pendingBytes >= BATCH_BYTES) await flush();
      }
      arm();
    }
  } catch {
    ended = false;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
  if (stopped) ended = false;
  await flush();
  return {
    written: position - start,
    ended,
    overflow,
    failure,
    digests: new Map(hashes.map(([algorithm, hash]) => [algorithm, hash.digest('base64')])),
  };
}

/** The buffers of `batch` without their first `skip` bytes. */
function sliceFrom(batch: readonly Buffer[], skip: number): Buffer[] {
  if (skip === 0) return [...batch];
  const out: Buffer[] = [];
  let left = skip;
  for (const buffer of batch) {
    if (left >= buffer.length) {
      left -= buffer.length;
      continue;
    }
    out.push(left > 0 ? buffer.subarray(left) : buffer);
    left = 0;
  }
  return out;
}
