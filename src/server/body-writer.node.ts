/**
 * Streams a request body into a data file at an offset, hashing it on the way: never the
 * whole body in memory (writes are batched up to 1 MiB). A client that goes away mid-body
 * is not an error here: the caller learns how many bytes arrived and decides.
 */
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { ServerChecksumAlgorithm } from './request-headers.js';

const BATCH_BYTES = 1024 * 1024;
/** Bytes read and dropped past the limit before the connection is cut. */
const DISCARD_BYTES = 16 * 1024 * 1024;

export interface BodyResult {
  /** Bytes written to the file (at most `limit`). */
  written: number;
  /** `false` when the client went away (or `signal` aborted) before the body ended. */
  ended: boolean;
  /** `true` when the body was longer than `limit` (nothing past it was written). */
  overflow: boolean;
  /** base64 digest of the bytes written, per requested algorithm. */
  digests: Map<ServerChecksumAlgorithm, string>;
}

export async function writeBody(
  req: IncomingMessage,
  handle: FileHandle,
  start: number,
  limit: number,
  algorithms: readonly ServerChecksumAlgorithm[],
  signal: AbortSignal,
): Promise<BodyResult> {
  const hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  let position = start;
  let written = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflowBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const batch = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    let done = 0;
    while (done < bytes) {
      const { bytesWritten } = await handle.writev(
        done === 0 ? batch : sliceFrom(batch, done),
        position,
      );
      done += bytesWritten;
      position += bytesWritten;
    }
  };
  const stop = (): void => {
    req.destroy();
  };
  signal.addEventListener('abort', stop, { once: true });
  let ended = true;
  try {
    for await (const data of req) {
      const chunk = data as Buffer;
      const room = limit - written;
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      overflowBytes += chunk.length - kept.length;
      if (overflowBytes > DISCARD_BYTES) break;
      if (kept.length === 0) continue;
      for (const [, hash] of hashes) hash.update(kept);
      pending.push(kept);
      pendingBytes += kept.length;
      written += kept.length;
      if (pendingBytes >= BATCH_BYTES) await flush();
    }
  } catch {
    ended = false;
  } finally {
    signal.removeEventListener('abort', stop);
  }
  if (signal.aborted) ended = false;
  await flush();
  return {
    written,
    ended,
    overflow: overflowBytes > 0,
    digests: new Map(hashes.map(([algorithm, hash]) => [algorithm, digestOf(hash)])),
  };
}

function digestOf(hash: Hash): string {
  return hash.digest('base64');
}

/** The buffers of `batch` without their first `skip` bytes. */
function sliceFrom(batch: readonly Buffer[], skip: number): Buffer[] {
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
