/**
 * POST: creation, creation-with-upload, creation-defer-length and concatenation
 * (`Upload-Concat: partial` and `final;<urls>`).
 */
import type { IncomingMessage } from 'node:http';
import { OFFSET_OCTET_STREAM } from '../protocol/constants.js';
import { receiveBytes } from './receive-bytes.node.js';
import {
  type ConcatRequest,
  checkMetadataHeader,
  headerValue,
  integerHeader,
  parseConcatHeader,
} from './request-headers.js';
import {
  expiresHeader,
  isExpired,
  nextExpiry,
  type Reply,
  type ServerContext,
} from './server-context.js';
import { isComplete, refuse, type StoredUpload, TusServerRequestError } from './upload-record.js';

export async function handleCreate(
  context: ServerContext,
  req: IncomingMessage,
): Promise<Reply | undefined> {
  const { options } = context;
  const concat = parseConcatHeader(req.headers);
  const metadata = checkMetadataHeader(req.headers, options.maxMetadataSize);
  const withBody = hasBody(req);
  if (concat?.type === 'final') {
    if (withBody) refuse(400, 'a final upload takes no body: its bytes are those of its parts');
    return createFinal(context, req, concat, metadata);
  }
  const length = integerHeader(req.headers, 'Upload-Length');
  const defer = headerValue(req.headers, 'Upload-Defer-Length');
  if (defer !== undefined && defer.trim() !== '1') {
    refuse(400, `Upload-Defer-Length must be 1, got ${JSON.stringify(defer.slice(0, 20))}`);
  }
  if (length !== undefined && defer !== undefined) {
    refuse(400, 'send either Upload-Length or Upload-Defer-Length: 1, not both');
  }
  if (length === undefined && defer === undefined) {
    refuse(400, 'Upload-Length (or Upload-Defer-Length: 1) is required to create an upload');
  }
  checkMaxSize(context, length);
  const now = Date.now();
  let upload: StoredUpload = {
    id: context.store.newId(),
    length,
    offset: 0,
    metadata,
    createdAt: now,
    expiresAt: nextExpiry(options, now),
    concat: concat?.type === 'partial' ? { type: 'partial' } : undefined,
  };
  await created(context, upload);
  if (length === 0) {
    upload = await completeEmpty(context, upload);
  } else if (withBody) {
    const lock = context.locks.acquire(upload.id);
    try {
      const received = await receiveBytes(context, req, upload, lock.signal);
      if (!received.ended) return undefined;
      upload = received.upload;
    } catch (error) {
      await context.store.remove(upload.id);
      throw error;
    } finally {
      lock.release();
    }
  }
  return {
    status: 201,
    headers: {
      Location: context.uploadUrl(req, upload.id),
      ...expiresHeader(upload),
      ...(withBody ? { 'Upload-Offset': String(upload.offset) } : {}),
    },
  };
}

/** A final upload: the parts' bytes copied, in order, into a new complete upload. */
async function createFinal(
  context: ServerContext,
  req: IncomingMessage,
  concat: Extract<ConcatRequest, { type: 'final' }>,
  metadata: string,
): Promise<Reply> {
  if (integerHeader(req.headers, 'Upload-Length') !== undefined) {
    refuse(400, 'a final upload takes no Upload-Length: its length is the sum of its parts');
  }
  const parts: StoredUpload[] = [];
  for (const url of concat.urls) {
    const id = context.idFromUrl(url);
    const part = id === undefined ? undefined : await context.store.get(id);
    if (part === undefined || isExpired(part, Date.now())) {
      refuse(400, `${JSON.stringify(url)} is not an upload of this server (or it expired)`);
    }
    if (part.concat?.type !== 'partial') {
      refuse(400, `${JSON.stringify(url)} was not created with Upload-Concat: partial`);
    }
    if (!isComplete(part)) {
      refuse(
        400,
        `partial upload ${JSON.stringify(url)} is not complete (${part.offset} of ${part.length ?? 'unknown'} bytes); finish it before the final upload`,
      );
    }
    parts.push(part);
  }
  const length = parts.reduce((sum, part) => sum + (part.length ?? 0), 0);
  checkMaxSize(context, length);
  const upload: StoredUpload = {
    id: context.store.newId(),
    length,
    offset: 0,
    metadata,
    createdAt: Date.now(),
    concat: { type: 'final', parts: parts.map((part) => part.id) },
  };
  await created(context, upload);
  try {
    await context.store.concatenate(
      upload.id,
      parts.map((part) => part.id),
    );
  } catch (error) {
    await context.store.remove(upload.id);
    throw error;
  }
  const done: StoredUpload = { ...upload, offset: length };
  await context.store.save(done);
  await context.finished(done);
  return { status: 201, headers: { Location: context.uploadUrl(req, upload.id) } };
}

/** Stores a new upload and runs `onUploadCreate`; a refusal there removes it again. */
export async function created(context: ServerContext, upload: StoredUpload): Promise<void> {
  await context.store.create(upload);
  try {
    await context.options.onUploadCreate?.({ ...upload });
  } catch (error) {
    await context.store.remove(upload.id);
    if (error instanceof TusServerRequestError) throw error;
    throw new TusServerRequestError(
      500,
      'the server refused to create this upload',
      {},
      { cause: error },
    );
  }
}

async function completeEmpty(context: ServerContext, upload: StoredUpload): Promise<StoredUpload> {
  const done: StoredUpload = { ...upload };
  delete done.expiresAt;
  await context.store.save(done);
  await context.finished(done);
  return done;
}

function checkMaxSize(context: ServerContext, length: number | undefined): void {
  const { maxSize } = context.options;
  if (length !== undefined && length > maxSize) {
    refuse(413, `Upload-Length ${length} is more than this server's Tus-Max-Size ${maxSize}`);
  }
}

/** creation-with-upload: a body of `application/offset+octet-stream`. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || length === '0')) return false;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== OFFSET_OCTET_STREAM) {
    refuse(415, `a creation with a body needs Content-Type: ${OFFSET_OCTET_STREAM}`);
  }
  return true;
}
