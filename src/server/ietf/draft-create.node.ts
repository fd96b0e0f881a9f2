/**
 * Upload creation by the draft: a POST to the creation URL with `Upload-Complete`. The
 * upload resource is made first and announced at once in a 104 (`Location`, `Upload-Limit`,
 * the interop version), so that a client cut off during the body can resume; then the body
 * (if any) is appended, and with `?1` the upload completes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OFFSET_OCTET_STREAM } from '../../protocol/constants.js';
import { parseDispositionFilename } from '../../protocol/ietf/content-disposition.js';
import type { Digests } from '../../protocol/ietf/digests.js';
import { INTEROP_HEADER, type InteropRules, PARTIAL_UPLOAD } from '../../protocol/ietf/interop.js';
import { encodeMetadata, toBase64 } from '../../protocol/metadata.js';
import { storeNewUpload } from '../creation.node.js';
import { checkMetadataHeader, headerValue } from '../request-headers.js';
import { type Reply, type ServerContext, withExpiry } from '../server-context.js';
import { refuse, type StoredUpload, TusServerRequestError } from '../upload-record.js';
import { type Completed, completeDraft } from './draft-complete.node.js';
import { receiveDraftBody } from './draft-receive.node.js';
import { limitHeader, refuseProblem, stateHeaders, withHeaders } from './draft-reply.js';
import {
  completeHeader,
  contentLength,
  digestField,
  hasBody,
  integerField,
  mediaType,
  wantedDigests,
} from './draft-request.js';
import type { DraftState } from './draft-state.js';
import { sendUploadResumptionSupported } from './informational.node.js';

export async function createDraftUpload(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  rules: InteropRules,
): Promise<Reply | undefined> {
  const { options } = context;
  const complete = completeHeader(req.headers);
  if (complete === undefined) refuse(400, 'a creation needs Upload-Complete: ?0 or ?1');
  if (req.headers['upload-offset'] !== undefined) {
    refuse(400, 'a creation must not carry Upload-Offset');
  }
  const withBody = hasBody(req.headers);
  const length = declaredLength(req, complete, withBody);
  if (length !== undefined && length > options.maxSize) {
    refuse(413, `the upload's length ${length} is more than this server's ${options.maxSize}`, {
      ...limitHeader(rules, options),
    });
  }
  if ((contentLength(req.headers) ?? 0) > options.maxChunkSize) {
    refuse(413, `a request may carry at most ${options.maxChunkSize} bytes`, {
      ...limitHeader(rules, options),
    });
  }
  const digests = digestField(req.headers, 'Content-Digest');
  const now = Date.now();
  let upload: StoredUpload = withExpiry(
    {
      id: context.store.newId(),
      length: undefined,
      offset: 0,
      metadata: representationMetadata(req, options.maxMetadataSize),
      createdAt: now,
      draft: draftFields(req, length),
    },
    options,
    now,
  );
  const location = context.uploadUrl(req, upload.id);
  let extra: Record<string, string> = {};
  // A fresh id nobody else holds: the lease lets a newer request on the announced URL (a
  // client that lost this one) end this one, and a DELETE wait for it.
  const lease = await context.locks.take(upload.id, 'superseded');
  try {
    await storeNewUpload(context, upload);
    sendUploadResumptionSupported(req, res, {
      Location: location,
      [INTEROP_HEADER]: String(rules.version),
      ...limitHeader(rules, options, upload),
    });
    const completion = complete ? { claimed: undefined, wanted: [] } : undefined;
    let done: Completed | undefined;
    if (withBody) {
      const received = await receiveDraftBody(
        context,
        req,
        upload,
        rules,
        digests,
        lease.signal,
        completion,
      );
      upload = received.upload;
      done = received.completed;
      if (!received.ended) return undefined;
    }
    if (completion !== undefined) done ??= await completeDraft(context, upload, completion);
    if (done !== undefined) ({ upload, headers: extra } = done);
  } catch (error) {
    // The upload exists (announced in the 104) unless the refusal removed it: the answer
    // names it, so that a client that missed the 104 can resume it (a body whose
    // Content-Digest failed is sent again as an append, not as a new upload).
    if (error instanceof TusServerRequestError && (await context.store.get(upload.id))) {
      throw withHeaders(error, { Location: location });
    }
    throw error;
  } finally {
    lease.release();
  }
  return {
    status: 201,
    headers: {
      Location: location,
      ...stateHeaders(upload),
      ...limitHeader(rules, options, upload),
      ...extra,
    },
  };
}

/** `Upload-Length`, or with `?1` the body's length; 400 when the two disagree. */
function declaredLength(
  req: IncomingMessage,
  complete: boolean,
  withBody: boolean,
): number | undefined {
  // Upload-Length is a field from interop 6 on; tus-js-client sends it with 5 too, and it
  // means the same there, so every version takes it.
  const uploadLength = integerField(req.headers, 'Upload-Length');
  const bodyLength = complete
    ? (contentLength(req.headers) ?? (withBody ? undefined : 0))
    : undefined;
  if (uploadLength !== undefined && bodyLength !== undefined && uploadLength !== bodyLength) {
    refuseProblem(
      400,
      'inconsistentLength',
      `Upload-Length ${uploadLength} and the ${bodyLength} bytes of this complete upload disagree`,
    );
  }
  return uploadLength ?? bodyLength;
}

function draftFields(req: IncomingMessage, length: number | undefined): DraftState {
  const repr: Digests | undefined = digestField(req.headers, 'Repr-Digest');
  const wanted = wantedDigests(req.headers);
  const state: DraftState = {};
  if (length !== undefined) state.length = length;
  if (repr !== undefined && repr.size > 0) {
    state.reprDigest = Object.fromEntries([...repr].map(([key, bytes]) => [key, toBase64(bytes)]));
  }
  if (wanted.length > 0) state.wantReprDigest = wanted;
  return state;
}

/**
 * The upload's metadata in tus form, so hooks and tus HEADs see one shape: `Upload-Metadata`
 * when sent (tus-js-client sends it in draft mode too), else `filename` from
 * `Content-Disposition` and `filetype` from `Content-Type` (unless that names a body format
 * of the protocols rather than the file).
 */
function representationMetadata(req: IncomingMessage, maxBytes: number): string {
  if (headerValue(req.headers, 'Upload-Metadata') !== undefined) {
    return checkMetadataHeader(req.headers, maxBytes);
  }
  const metadata: Record<string, string> = {};
  const filename = parseDispositionFilename(headerValue(req.headers, 'Content-Disposition'));
  if (filename !== undefined && filename !== '') metadata.filename = filename;
  const type = mediaType(req.headers);
  if (type !== undefined && type !== PARTIAL_UPLOAD && type !== OFFSET_OCTET_STREAM) {
    metadata.filetype = type;
  }
  const text = encodeMetadata(metadata) ?? '';
  if (text.length > maxBytes) refuse(400, `the file name is longer than this server accepts`);
  return text;
}
