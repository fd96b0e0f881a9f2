/**
 * The bytes of a PATCH (or of a creation-with-upload POST) into an upload: size limits,
 * checksum (header or trailer), then write → fsync → record. A chunk whose checksum does
 * not match, or that is cut off while a checksum was promised, leaves no trace. A write the
 * disk refuses keeps (fsynced) and records the bytes written before it, then is thrown:
 * the answer is a 500 and `onError` hears of it.
 */
import type { IncomingMessage } from 'node:http';
import { writeBody } from './body-writer.node.js';
import { knownLength } from './ietf/draft-state.js';
import {
  announcesChecksumTrailer,
  type ChecksumClaim,
  headerValue,
  integerHeader,
  parseChecksumValue,
  SERVER_CHECKSUM_ALGORITHMS,
  type ServerChecksumAlgorithm,
} from './request-headers.js';
import { type ServerContext, withExpiry } from './server-context.js';
import type { StoreFileHandle } from './store-fs.node.js';
import { type Completion, completeUpload } from './upload-completion.node.js';
import { isComplete, refuse, type StoredUpload } from './upload-record.js';

export interface Received {
  /** The upload as recorded after the request. */
  upload: StoredUpload;
  /** `false` when the client went away mid-body (there is nobody to answer). */
  ended: boolean;
}

export async function receiveBytes(
  context: ServerContext,
  req: IncomingMessage,
  upload: StoredUpload,
  signal: AbortSignal,
): Promise<Received> {
  const { options, store } = context;
  const checksumHeader = headerValue(req.headers, 'Upload-Checksum');
  const claim = checksumHeader === undefined ? undefined : parseChecksumValue(checksumHeader);
  const viaTrailer = claim === undefined && announcesChecksumTrailer(req.headers);
  const algorithms: readonly ServerChecksumAlgorithm[] =
    claim !== undefined ? [claim.algorithm] : viaTrailer ? SERVER_CHECKSUM_ALGORITHMS : [];

  const start = upload.offset;
  // The length declared by either protocol (a draft upload's too): no byte goes past it.
  const length = knownLength(upload);
  const room = (length ?? options.maxSize) - start;
  const declared = integerHeader(req.headers, 'Content-Length');
  if (declared !== undefined) checkDeclaredSize(context, upload, declared);
  const limit = Math.min(room, options.maxChunkSize);

  const handle = await store.openAt(upload.id, start);
  let written = 0;
  let ended = true;
  try {
    const body = await writeBody(
      req,
      { handle, start, limit },
      algorithms,
      signal,
      options.bodyIdleTimeoutMs,
    );
    const verified = claim !== undefined || viaTrailer;
    if (body.failure !== undefined) {
      // Keep what the file took before the failure (unless a checksum cannot be checked
      // now), durably, then answer 500: the client resumes from the recorded offset.
      const kept = await keepDurable(context, handle, start, verified ? 0 : body.written);
      await recordOffset(context, upload, start + kept);
      throw body.failure;
    }
    if (body.overflow) {
      await handle.truncate(start);
      refuse(
        413,
        `the body is larger than this server accepts (${describeLimit(context, upload)}); nothing was stored`,
      );
    }
    const promised = claim ?? (viaTrailer && body.ended ? trailerClaim(req) : undefined);
    if (verified) {
      if (!body.ended) {
        await handle.truncate(start);
        return { upload, ended: false };
      }
      if (promised === undefined) {
        await handle.truncate(start);
        refuse(400, 'Upload-Checksum was announced as a trailer but not sent; nothing was stored');
      }
      if (body.digests.get(promised.algorithm) !== promised.digest) {
        await handle.truncate(start);
        refuse(
          460,
          `${promised.algorithm} of the ${body.written} bytes received does not match Upload-Checksum; the chunk was discarded, send it again`,
        );
      }
    }
    await store.sync(handle);
    written = body.written;
    ended = body.ended;
  } finally {
    await handle.close();
  }
  // Reaching the declared length completes the upload the tus way, with the checks any
  // completion makes (a draft upload's Repr-Digest).
  const size = start + written;
  const completes = length !== undefined && size >= length ? {} : undefined;
  return { upload: await recordOffset(context, upload, size, completes), ended };
}

/**
 * After a failed write: the bytes written before it, once fsynced; none (cut back to
 * `start`) when even the fsync fails, as nothing of them is then known to be on disk.
 */
export async function keepDurable(
  context: ServerContext,
  handle: StoreFileHandle,
  start: number,
  written: number,
): Promise<number> {
  try {
    await handle.truncate(start + written);
    await context.store.sync(handle);
    return written;
  } catch {
    await handle.truncate(start).catch(() => {});
    return 0;
  }
}

/**
 * `upload` recorded with `size` bytes (and its expiry renewed); itself when nothing changed.
 * With `completion`, or when `size` reaches the recorded length, the upload is completed
 * (upload-completion.node.ts: checked, then recorded, then `onUploadFinish`), never
 * recorded complete first; an upload already complete is not completed again.
 */
export async function recordOffset(
  context: ServerContext,
  upload: StoredUpload,
  size: number,
  completion?: Completion,
): Promise<StoredUpload> {
  if (isComplete(upload)) return upload;
  const reached = upload.length !== undefined && size >= upload.length;
  if (completion !== undefined || reached) {
    return (await completeUpload(context, { ...upload, offset: size }, completion)).upload;
  }
  if (size === upload.offset) return upload;
  const next = withExpiry({ ...upload, offset: size }, context.options, Date.now());
  await context.store.save(next);
  return next;
}

function trailerClaim(req: IncomingMessage): ChecksumClaim | undefined {
  const value = req.trailers['upload-checksum'];
  return value === undefined ? undefined : parseChecksumValue(value);
}

function checkDeclaredSize(context: ServerContext, upload: StoredUpload, declared: number): void {
  const { maxChunkSize, maxSize } = context.options;
  if (declared > maxChunkSize) {
    refuse(413, `a request may carry at most ${maxChunkSize} bytes, this one declares ${declared}`);
  }
  const end = upload.offset + declared;
  const length = knownLength(upload);
  if (length !== undefined && end > length) {
    // 413 as tusd and @tus/server answer it (the spec names no status for this).
    refuse(
      413,
      `offset ${upload.offset} + ${declared} bytes goes past Upload-Length ${length}; nothing was stored`,
    );
  }
  if (length === undefined && end > maxSize) {
    refuse(413, `offset ${upload.offset} + ${declared} bytes goes past Tus-Max-Size ${maxSize}`);
  }
}

function describeLimit(context: ServerContext, upload: StoredUpload): string {
  const { maxChunkSize, maxSize } = context.options;
  const length = knownLength(upload);
  const room = (length ?? maxSize) - upload.offset;
  if (maxChunkSize < room) return `at most ${maxChunkSize} bytes a request`;
  if (length !== undefined) {
    return `it goes past Upload-Length ${length} from offset ${upload.offset}`;
  }
  return `Tus-Max-Size ${maxSize}, offset ${upload.offset}`;
}
