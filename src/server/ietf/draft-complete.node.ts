/**
 * Completing a draft upload (`Upload-Complete: ?1` fully received): its offset must be the
 * length declared before (by either protocol), then the upload completes as any does
 * (upload-completion.node.ts: the creation's `Repr-Digest` and the request's are checked,
 * a mismatch discards the upload), and the algorithms of `Want-Repr-Digest` (the
 * creation's and the request's) are answered with `Repr-Digest`.
 */
import {
  type DigestAlgorithm,
  type Digests,
  formatDigestField,
} from '../../protocol/ietf/digests.js';
import { fromBase64 } from '../../protocol/metadata.js';
import type { ServerContext } from '../server-context.js';
import { completeUpload } from '../upload-completion.node.js';
import type { StoredUpload } from '../upload-record.js';
import { refuseProblem, stateHeaders } from './draft-reply.js';
import { draftState, knownLength } from './draft-state.js';

export interface Completed {
  upload: StoredUpload;
  /** `Repr-Digest` answering `Want-Repr-Digest`, when asked. */
  headers: Record<string, string>;
}

/** What the completing request said: its `Repr-Digest` and `Want-Repr-Digest`. */
export interface DraftCompletion {
  claimed: Digests | undefined;
  wanted: readonly DigestAlgorithm[];
}

/**
 * Completes `upload` at its offset (`upload` may hold an offset not recorded yet: bytes
 * this request made durable). When the offset is not the declared length nothing is
 * completed: 400 `inconsistent-upload-length` (the caller records the offset first).
 */
export async function completeDraft(
  context: ServerContext,
  upload: StoredUpload,
  request: DraftCompletion,
): Promise<Completed> {
  const length = knownLength(upload);
  if (length !== undefined && length !== upload.offset) {
    refuseProblem(
      400,
      'inconsistentLength',
      `the upload holds ${upload.offset} bytes but its length was said to be ${length}; it is not complete`,
      stateHeaders(upload),
    );
  }
  const wanted = [...new Set([...(draftState(upload).wantReprDigest ?? []), ...request.wanted])];
  const done = await completeUpload(context, upload, {
    claimed: request.claimed,
    wanted,
    refusalHeaders: { 'Upload-Complete': '?1' },
  });
  const digests = wanted.flatMap((key) => {
    const bytes = fromBase64(done.digests.get(key) ?? '');
    return bytes === undefined ? [] : [[key, bytes] as const];
  });
  return {
    upload: done.upload,
    headers: digests.length > 0 ? { 'Repr-Digest': formatDigestField(digests) } : {},
  };
}
