/**
 * POST with `Upload-Concat: final;<urls>`: a new upload whose bytes are its partial
 * uploads', in order. Each URL must name a complete partial upload of this server (see
 * upload-urls.ts), at most once, at most `maxConcatParts` of them, and their sum counts
 * against `maxSize`. The final holds its own lease while its bytes are copied: a DELETE of
 * it stops the copy and nothing is left; a process killed meanwhile leaves an unfinished
 * final that the next start removes.
 */
import type { IncomingMessage } from 'node:http';
import { checkMaxSize, storeNewUpload } from './creation.node.js';
import { ConcatenationError } from './file-store.node.js';
import type { ConcatRequest } from './request-headers.js';
import { integerHeader } from './request-headers.js';
import { isExpired, type Reply, type ServerContext, withExpiry } from './server-context.js';
import { isComplete, refuse, type StoredUpload } from './upload-record.js';

type FinalRequest = Extract<ConcatRequest, { type: 'final' }>;

/** The partial uploads a final names, checked; else the 400 that says which and why. */
async function loadParts(
  context: ServerContext,
  req: IncomingMessage,
  urls: readonly string[],
): Promise<StoredUpload[]> {
  const { maxConcatParts } = context.options;
  if (urls.length > maxConcatParts) {
    refuse(
      400,
      `a final upload may name at most ${maxConcatParts} partial uploads; this one names ${urls.length}`,
    );
  }
  const seen = new Set<string>();
  const parts: StoredUpload[] = [];
  for (const url of urls) {
    const shown = JSON.stringify(url.slice(0, 200));
    const id = context.idFromUrl(req, url);
    if (id === undefined) {
      refuse(400, `${shown} is not an http(s) URL of an upload of this server`);
    }
    if (seen.has(id)) refuse(400, `${shown} is named more than once; name each partial once`);
    seen.add(id);
    const part = await context.store.get(id);
    if (part === undefined || isExpired(part, Date.now())) {
      refuse(400, `${shown} is not an upload of this server (or it expired)`);
    }
    if (part.concat?.type !== 'partial') {
      refuse(400, `${shown} was not created with Upload-Concat: partial`);
    }
    if (!isComplete(part)) {
      refuse(
        400,
        `partial upload ${shown} is not complete (${part.offset} of ${part.length ?? 'unknown'} bytes); finish it before the final upload`,
      );
    }
    parts.push(part);
  }
  return parts;
}

export async function createFinal(
  context: ServerContext,
  req: IncomingMessage,
  concat: FinalRequest,
  metadata: string,
): Promise<Reply> {
  if (integerHeader(req.headers, 'Upload-Length') !== undefined) {
    refuse(400, 'a final upload takes no Upload-Length: its length is the sum of its parts');
  }
  const parts = await loadParts(context, req, concat.urls);
  const length = parts.reduce((sum, part) => sum + (part.length ?? 0), 0);
  checkMaxSize(context, length);
  const { store, locks } = context;
  const upload: StoredUpload = {
    id: store.newId(),
    length,
    offset: 0,
    metadata,
    createdAt: Date.now(),
    concat: { type: 'final', parts: parts.map((part) => part.id) },
  };
  // A fresh id: nobody holds it; a DELETE that guesses it waits for this lease or stops it.
  const lease = await locks.take(upload.id, 'superseded');
  try {
    await storeNewUpload(context, upload);
    try {
      const sizes = parts.map((part) => ({ id: part.id, length: part.length ?? 0 }));
      await store.concatenate(upload.id, sizes, lease.signal);
    } catch (error) {
      await store.remove(upload.id);
      if (error instanceof ConcatenationError) {
        refuse(400, `${error.message}; the final upload was not made`);
      }
      if (lease.signal.aborted) stopped(lease.signal.reason);
      throw error;
    }
    const done = withExpiry({ ...upload, offset: length }, context.options, Date.now());
    await store.save(done);
    await context.finished(done);
    return { status: 201, headers: { Location: context.uploadUrl(req, upload.id) } };
  } finally {
    lease.release();
  }
}

function stopped(reason: unknown): never {
  if (reason === 'closing') {
    refuse(503, 'the server is shutting down; the final upload was not made, retry later', {
      'Retry-After': '5',
    });
  }
  refuse(409, 'the final upload was deleted while its parts were being copied; nothing was kept');
}
