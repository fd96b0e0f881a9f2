/**
 * The body of a draft creation or append into an upload: size limits, `Content-Digest`
 * (RFC 9530) when the client sent one, then write → fsync → record. A body that is cut off
 * is kept as far as it arrived (the draft asks for that), unless it carried a digest, which
 * a part of it cannot be checked against; a body whose digest does not match is not
 * appended and answered 400. A write the disk refuses keeps (fsynced) what it took before,
 * as a tus PATCH does, and is thrown (a 500, told to `onError`).
 */
import type { IncomingMessage } from 'node:http';
import {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type Digests,
} from '../../protocol/ietf/digests.js';
import type { InteropRules } from '../../protocol/ietf/interop.js';
import { toBase64 } from '../../protocol/metadata.js';
import { writeBody } from '../body-writer.node.js';
import { keepDurable, recordOffset } from '../receive-bytes.node.js';
import type { ServerContext } from '../server-context.js';
import { refuse, type StoredUpload } from '../upload-record.js';
import { type Completed, completeDraft, type DraftCompletion } from './draft-complete.node.js';
import { limitHeader, refuseProblem, stateHeaders } from './draft-reply.js';
import { contentLength } from './draft-request.js';
import { knownLength } from './draft-state.js';

export interface DraftReceived {
  /** The upload as recorded after the request. */
  upload: StoredUpload;
  /** `false` when the client went away mid-body (there is nobody to answer). */
  ended: boolean;
  /** Set when the request completed the upload: what its answer carries. */
  completed?: Completed | undefined;
}

/**
 * The request would take the upload past its known length. The draft (-05 on, our interop
 * 7 and 8): "the server MUST prevent the offset from exceeding the upload length by
 * rejecting the request once the offset exceeds the length, marking the upload resource
 * invalid and rejecting any further interaction with it"; a `Content-Length` that already
 * says so is the same fault found before the bytes, so it is answered the same way: the
 * upload is removed where the version says so, kept (nothing appended) where it does not.
 */
export async function refuseOverLength(
  context: ServerContext,
  upload: StoredUpload,
  rules: InteropRules,
  message: string,
): Promise<never> {
  if (rules.overLengthDeactivates) await context.store.remove(upload.id);
  refuseProblem(
    400,
    'inconsistentLength',
    `${message}; nothing was appended${rules.overLengthDeactivates ? ' and the upload is gone' : ''}`,
    rules.overLengthDeactivates ? {} : stateHeaders(upload),
  );
}

export async function receiveDraftBody(
  context: ServerContext,
  req: IncomingMessage,
  upload: StoredUpload,
  rules: InteropRules,
  digests: Digests | undefined,
  signal: AbortSignal,
  completion?: DraftCompletion,
): Promise<DraftReceived> {
  const { options, store } = context;
  const start = upload.offset;
  const length = knownLength(upload);
  const declared = contentLength(req.headers);
  const tooLarge = () =>
    refuse(413, `a request may carry at most ${options.maxChunkSize} bytes`, {
      ...limitHeader(rules, options, upload),
      ...stateHeaders(upload),
    });
  if (declared !== undefined && declared > options.maxChunkSize) tooLarge();
  if (declared !== undefined && length !== undefined && start + declared > length) {
    await refuseOverLength(
      context,
      upload,
      rules,
      `offset ${start} + ${declared} bytes goes past the upload's length ${length}`,
    );
  }
  const room = (length ?? options.maxSize) - start;
  const checked: DigestAlgorithm[] = digests === undefined ? [] : [...digests.keys()];
  const handle = await store.openAt(upload.id, start);
  let written = 0;
  let ended = true;
  try {
    const body = await writeBody(
      req,
      { handle, start, limit: Math.min(room, options.maxChunkSize) },
      checked.map((key) => DIGEST_ALGORITHMS[key]),
      signal,
      options.bodyIdleTimeoutMs,
    );
    if (body.failure !== undefined) {
      const kept = await keepDurable(context, handle, start, checked.length > 0 ? 0 : body.written);
      await recordOffset(context, upload, start + kept);
      throw body.failure;
    }
    if (body.overflow) {
      await handle.truncate(start);
      if (body.written < room) tooLarge();
      if (length === undefined) {
        refuse(413, `the upload would pass this server's maximum size ${options.maxSize}`, {
          ...limitHeader(rules, options, upload),
          ...stateHeaders(upload),
        });
      }
      await refuseOverLength(
        context,
        upload,
        rules,
        `the body goes past the upload's length ${length}`,
      );
    }
    if (checked.length > 0) {
      if (!body.ended) {
        await handle.truncate(start);
        return { upload, ended: false };
      }
      for (const key of checked) {
        const expected = digests?.get(key);
        if (
          expected !== undefined &&
          body.digests.get(DIGEST_ALGORITHMS[key]) !== toBase64(expected)
        ) {
          await handle.truncate(start);
          refuse(
            400,
            `Content-Digest ${key} of the ${body.written} bytes received does not match; nothing was appended, send them again`,
            stateHeaders(upload),
          );
        }
      }
    }
    await store.sync(handle);
    written = body.written;
    ended = body.ended;
  } finally {
    await handle.close();
  }
  const size = start + written;
  // A completing body fully received completes the upload before its offset is recorded:
  // no record says complete before the digests were checked. One that ends short of the
  // declared length is recorded as it is; the caller refuses the completion. A cut body
  // completes nothing, unless it reached a tus upload's length (complete by tus's rule):
  // then the request's digests are checked all the same.
  const completes = ended
    ? length === undefined || length === size
    : upload.length !== undefined && size >= upload.length;
  if (completion !== undefined && completes) {
    const completed = await completeDraft(context, { ...upload, offset: size }, completion);
    return { upload: completed.upload, ended, completed };
  }
  return { upload: await recordOffset(context, upload, size), ended };
}
