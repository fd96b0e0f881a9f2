/**
 * Requests on one upload: HEAD (where is it), PATCH (more bytes), DELETE (termination).
 * PATCH and DELETE take the upload's lease (upload-locks.ts): the newer request ends an
 * older one that still holds it, which records what it received first. HEAD never
 * disturbs a writer: it answers what is recorded.
 */
import type { IncomingMessage } from 'node:http';
import { OFFSET_OCTET_STREAM } from '../protocol/constants.js';
import { knownLength } from './ietf/draft-state.js';
import { receiveBytes, recordOffset } from './receive-bytes.node.js';
import { integerHeader } from './request-headers.js';
import {
  expiresHeader,
  loadUpload,
  type Reply,
  type ServerContext,
  withExpiry,
} from './server-context.js';
import { reconcile } from './store-recovery.node.js';
import { isComplete, refuse, type StoredUpload } from './upload-record.js';

export async function handleHead(
  context: ServerContext,
  req: IncomingMessage,
  id: string,
): Promise<Reply> {
  const upload = await loadUpload(context, id);
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    'Upload-Offset': String(upload.offset),
    ...expiresHeader(upload),
  };
  // A draft upload's declared length is its length to a tus client too.
  const length = knownLength(upload);
  if (length === undefined) headers['Upload-Defer-Length'] = '1';
  else headers['Upload-Length'] = String(length);
  if (upload.metadata !== '') headers['Upload-Metadata'] = upload.metadata;
  if (upload.concat?.type === 'partial') headers['Upload-Concat'] = 'partial';
  if (upload.concat?.type === 'final') {
    const urls = upload.concat.parts.map((part) => context.uploadUrl(req, part));
    headers['Upload-Concat'] = `final;${urls.join(' ')}`;
  }
  return { status: 200, headers };
}

export async function handlePatch(
  context: ServerContext,
  req: IncomingMessage,
  id: string,
): Promise<Reply | undefined> {
  const first = await loadUpload(context, id);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== OFFSET_OCTET_STREAM) {
    refuse(415, `PATCH needs Content-Type: ${OFFSET_OCTET_STREAM}`);
  }
  const offset = integerHeader(req.headers, 'Upload-Offset');
  if (offset === undefined) refuse(400, 'PATCH needs Upload-Offset');
  if (first.concat?.type === 'final') {
    refuse(403, 'a final upload is made of its parts and takes no PATCH');
  }
  const lease = await context.locks.take(id, 'superseded');
  try {
    const loaded = await loadUpload(context, id);
    // The data file may hold fewer bytes than recorded (a power loss without fsync): the
    // offset comes down to them, never the file up with zeros.
    let upload = await reconcile(context.store, context.options, loaded);
    if (upload === undefined) refuse(404, 'no such upload (its bytes are gone)');
    // A wrong offset is a 409 even on a complete upload: the client resyncs (from the
    // Upload-Offset sent along, or HEAD) and sees it is done.
    if (offset !== upload.offset) {
      refuse(
        409,
        `Upload-Offset ${offset} does not match the ${upload.offset} bytes this server holds; send from ${upload.offset} (or ask HEAD)`,
        { 'Upload-Offset': String(upload.offset) },
      );
    }
    if (isComplete(upload)) refuse(403, 'this upload is complete; it takes no more bytes');
    upload = await commitLength(context, req, upload);
    const received = await receiveBytes(context, req, upload, lease.signal);
    if (!received.ended) return undefined;
    upload = received.upload;
    return {
      status: 204,
      headers: { 'Upload-Offset': String(upload.offset), ...expiresHeader(upload) },
    };
  } finally {
    lease.release();
  }
}

/**
 * creation-defer-length: the first `Upload-Length` sent with a PATCH fixes the length. A
 * length already known, whichever protocol declared it (a draft upload's `Upload-Length`),
 * cannot change. On a draft upload it is recorded as the draft's declared length, so that
 * draft appends keep their rule (only `Upload-Complete: ?1` completes); a tus PATCH that
 * reaches it completes the upload.
 */
async function commitLength(
  context: ServerContext,
  req: IncomingMessage,
  upload: StoredUpload,
): Promise<StoredUpload> {
  const length = integerHeader(req.headers, 'Upload-Length');
  if (length === undefined) return upload;
  const known = knownLength(upload);
  if (known !== undefined) {
    if (length !== known) {
      refuse(400, `Upload-Length is already ${known}; it cannot change to ${length}`);
    }
    return upload;
  }
  if (length < upload.offset) {
    refuse(400, `Upload-Length ${length} is less than the ${upload.offset} bytes already stored`);
  }
  if (length > context.options.maxSize) {
    refuse(413, `Upload-Length ${length} is more than Tus-Max-Size ${context.options.maxSize}`);
  }
  const next: StoredUpload =
    upload.draft !== undefined
      ? { ...upload, draft: { ...upload.draft, length } }
      : withExpiry({ ...upload, length }, context.options, Date.now());
  // A length equal to the bytes stored completes the upload (checked, recorded, hook run).
  if (length === upload.offset) {
    return recordOffset(context, { ...next, length: undefined }, upload.offset, {});
  }
  await context.store.save(next);
  return next;
}

/**
 * Termination: ends any request holding the upload (it records what it had, or a final
 * concatenation stops and removes itself), then removes it. 204 once it is gone.
 */
export async function handleDelete(context: ServerContext, id: string): Promise<Reply> {
  if ((await context.store.get(id)) === undefined) {
    refuse(404, 'no such upload (it never existed or was deleted)');
  }
  const lease = await context.locks.take(id, 'deleted');
  try {
    // Gone meanwhile (a final stopped by this DELETE removes itself): gone as asked.
    if ((await context.store.get(id)) !== undefined) await context.store.remove(id);
  } finally {
    lease.release();
  }
  return { status: 204 };
}
