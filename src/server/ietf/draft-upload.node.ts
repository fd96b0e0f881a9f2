/**
 * Requests on one upload resource by the draft: offset retrieval (HEAD, or GET), append
 * (PATCH with `Upload-Offset` and `Upload-Complete`) and cancellation (DELETE). Each new
 * request ends one still writing to the upload (the draft's concurrency rule, which is the
 * rule of the server's `UploadLocks`: the newer request takes the upload's lease).
 */
import type { IncomingMessage } from 'node:http';
import type { InteropRules } from '../../protocol/ietf/interop.js';
import { handleDelete } from '../handle-upload.node.js';
import { loadUpload, type Reply, type ServerContext } from '../server-context.js';
import { reconcile } from '../store-recovery.node.js';
import { conflictingDigest } from '../upload-completion.node.js';
import { isComplete, refuse, type StoredUpload, TusServerRequestError } from '../upload-record.js';
import { type Completed, completeDraft } from './draft-complete.node.js';
import { receiveDraftBody, refuseOverLength } from './draft-receive.node.js';
import { limitHeader, refuseProblem, stateHeaders } from './draft-reply.js';
import {
  completeHeader,
  contentLength,
  digestField,
  hasBody,
  integerField,
  mediaType,
  refuseHeaders,
  wantedDigests,
} from './draft-request.js';
import { knownLength } from './draft-state.js';

/** HEAD (or GET): where the upload is, fresh (a writer still at it is ended first). */
export async function retrieveOffset(
  context: ServerContext,
  req: IncomingMessage,
  id: string,
  rules: InteropRules,
): Promise<Reply> {
  refuseHeaders(req.headers, rules.forbiddenOnHeadAndDelete, 'HEAD');
  await endWriter(context, id);
  const upload = await activeUpload(context, id);
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    ...stateHeaders(upload),
    ...limitHeader(rules, context.options, upload),
  };
  const length = knownLength(upload);
  if (length !== undefined && rules.uploadLengthHeader) headers['Upload-Length'] = String(length);
  return { status: 204, headers };
}

/** PATCH: bytes at `Upload-Offset`; with `Upload-Complete: ?1` the last of them. */
export async function appendToUpload(
  context: ServerContext,
  req: IncomingMessage,
  id: string,
  rules: InteropRules,
): Promise<Reply | undefined> {
  const first = await activeUpload(context, id);
  const { headers } = req;
  if (rules.appendContentType !== undefined && mediaType(headers) !== rules.appendContentType) {
    refuse(415, `an append needs Content-Type: ${rules.appendContentType}`, stateHeaders(first));
  }
  const offset = integerField(headers, 'Upload-Offset');
  if (offset === undefined) refuse(400, 'an append needs Upload-Offset', stateHeaders(first));
  const complete = completeHeader(headers) ?? (rules.appendNeedsComplete ? undefined : false);
  if (complete === undefined) refuse(400, 'an append needs Upload-Complete: ?0 or ?1');
  if (first.concat?.type === 'final') {
    refuse(403, 'a final upload is made of its parts and takes no appends');
  }
  const contentDigests = digestField(headers, 'Content-Digest');
  const reprDigests = digestField(headers, 'Repr-Digest');
  const wanted = wantedDigests(headers);
  const lease = await context.locks.take(id, 'superseded');
  try {
    // The data file may hold fewer bytes than recorded (a power loss without fsync): the
    // offset comes down to them, as for a tus PATCH.
    let upload = await reconcile(context.store, context.options, await activeUpload(context, id));
    if (upload === undefined) refuse(404, 'no such upload (its bytes are gone)');
    if (offset !== upload.offset) {
      refuseProblem(
        409,
        'mismatchingOffset',
        `Upload-Offset ${offset} does not match the ${upload.offset} bytes this upload holds; send from ${upload.offset}`,
        stateHeaders(upload),
        { expected: upload.offset, provided: offset },
      );
    }
    if (isComplete(upload)) {
      // The answer to the completing request was lost and the client asks again: say it again.
      if (complete && !hasBody(headers)) {
        return { status: rules.completionStatus, headers: stateHeaders(upload) };
      }
      refuseProblem(400, 'completedUpload', 'this upload is complete; it takes no more bytes', {
        ...stateHeaders(upload),
        'Upload-Complete': '?0',
      });
    }
    // The representation's digest holds from its creation on: a completion may repeat it,
    // not replace it (refused before any byte, the upload as it was).
    const conflict = conflictingDigest(upload, reprDigests);
    if (conflict !== undefined) {
      refuse(
        400,
        `Repr-Digest ${conflict} differs from the one given when the upload was created; nothing was appended`,
        stateHeaders(upload),
      );
    }
    upload = await recordLength(context, req, upload, complete, rules);
    const completion = complete ? { claimed: reprDigests, wanted } : undefined;
    let done: Completed | undefined;
    if (hasBody(headers)) {
      const received = await receiveDraftBody(
        context,
        req,
        upload,
        rules,
        contentDigests,
        lease.signal,
        completion,
      );
      upload = received.upload;
      done = received.completed;
      if (!received.ended) return undefined;
    }
    if (completion === undefined) {
      return { status: rules.appendStatus, headers: stateHeaders(upload) };
    }
    done ??= await completeDraft(context, upload, completion);
    return {
      status: rules.completionStatus,
      headers: { ...stateHeaders(done.upload), ...done.headers },
    };
  } finally {
    lease.release();
  }
}

/**
 * Ends a request still writing to `id` and waits until it recorded what it received, so
 * that the offset answered is the one to resume from. When that is refused (it did not let
 * go in time, a newer request came, a DELETE or the cleanup won) what is recorded answers.
 */
async function endWriter(context: ServerContext, id: string): Promise<void> {
  try {
    (await context.locks.take(id, 'superseded')).release();
  } catch (error) {
    if (!(error instanceof TusServerRequestError)) throw error;
  }
}

/** DELETE: the upload and its bytes are gone; a writer still at it is ended. */
export async function cancelUpload(
  context: ServerContext,
  req: IncomingMessage,
  id: string,
  rules: InteropRules,
): Promise<Reply> {
  refuseHeaders(req.headers, rules.forbiddenOnHeadAndDelete, 'DELETE');
  return handleDelete(context, id);
}

/** The upload `id`; 404 also when it expired (the draft knows only "not active"). */
async function activeUpload(context: ServerContext, id: string): Promise<StoredUpload> {
  try {
    return await loadUpload(context, id);
  } catch (error) {
    if (error instanceof TusServerRequestError && error.status === 410) {
      refuse(404, 'no such upload (it expired unfinished)');
    }
    throw error;
  }
}

/**
 * The length an append declares (`Upload-Length`, or `?1` with `Content-Length`): checked
 * against what is known, recorded when new.
 */
async function recordLength(
  context: ServerContext,
  req: IncomingMessage,
  upload: StoredUpload,
  complete: boolean,
  rules: InteropRules,
): Promise<StoredUpload> {
  const fromHeader = integerField(req.headers, 'Upload-Length');
  const declared = contentLength(req.headers);
  const fromBody = complete && declared !== undefined ? upload.offset + declared : undefined;
  const inconsistent = (message: string): never =>
    refuseProblem(400, 'inconsistentLength', message, stateHeaders(upload));
  const known = knownLength(upload);
  // Bytes this request says it brings past the length: the fault of an over-long body,
  // answered as one (receiveDraftBody checks the same of an append that declares none).
  if (known !== undefined && declared !== undefined && upload.offset + declared > known) {
    await refuseOverLength(
      context,
      upload,
      rules,
      `offset ${upload.offset} + ${declared} bytes goes past the upload's length ${known}`,
    );
  }
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    inconsistent(
      `Upload-Length ${fromHeader} and the ${fromBody} bytes this request completes disagree`,
    );
  }
  const length = fromHeader ?? fromBody;
  if (length === undefined) return upload;
  if (known !== undefined) {
    if (length !== known)
      inconsistent(`the upload's length is ${known}; this request says ${length}`);
    return upload;
  }
  if (length < upload.offset) {
    inconsistent(`length ${length} is less than the ${upload.offset} bytes already stored`);
  }
  if (length > context.options.maxSize) {
    refuse(
      413,
      `the upload's length ${length} is more than this server's ${context.options.maxSize}`,
    );
  }
  const next: StoredUpload = { ...upload, draft: { ...upload.draft, length } };
  await context.store.save(next);
  return next;
}
