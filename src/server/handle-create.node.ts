/**
 * POST: creation, creation-with-upload, creation-defer-length and `Upload-Concat: partial`
 * (a final concatenation is handle-final.node.ts).
 */
import type { IncomingMessage } from 'node:http';
import { OFFSET_OCTET_STREAM } from '../protocol/constants.js';
import { checkMaxSize, storeNewUpload } from './creation.node.js';
import { createFinal } from './handle-final.node.js';
import { receiveBytes } from './receive-bytes.node.js';
import {
  checkMetadataHeader,
  headerValue,
  integerHeader,
  parseConcatHeader,
} from './request-headers.js';
import { expiresHeader, type Reply, type ServerContext, withExpiry } from './server-context.js';
import { refuse, type StoredUpload } from './upload-record.js';

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
  let upload: StoredUpload = withExpiry(
    {
      id: context.store.newId(),
      length,
      offset: 0,
      metadata,
      createdAt: now,
      concat: concat?.type === 'partial' ? { type: 'partial' } : undefined,
    },
    options,
    now,
  );
  // A fresh id nobody else holds: the lease only lets a DELETE that guesses it wait.
  const lease = await context.locks.take(upload.id, 'superseded');
  try {
    await storeNewUpload(context, upload);
    if (length === 0) {
      await context.finished(upload);
    } else if (withBody) {
      try {
        const received = await receiveBytes(context, req, upload, lease.signal);
        if (!received.ended) return undefined;
        upload = received.upload;
      } catch (error) {
        await context.store.remove(upload.id);
        throw error;
      }
    }
  } finally {
    lease.release();
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
