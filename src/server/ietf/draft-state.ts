/**
 * What the server records of an upload created through the IETF draft, beside the tus
 * fields of its `StoredUpload`. Such an upload keeps `length` undefined until the client
 * completes it (`Upload-Complete: ?1`), then `length` = `offset`: so "complete" means the
 * same to both protocols, and the draft's rule that reaching the declared length does not
 * complete an upload holds. Pure.
 */
import { type DigestAlgorithm, isDigestAlgorithm } from '../../protocol/ietf/digests.js';

/** The fields of an upload's record (`StoredUpload`) that the draft's rules read. */
export interface DraftRecord {
  readonly length: number | undefined;
  readonly draft?: DraftState | undefined;
}

/** What the server keeps of an upload created through the IETF draft (`StoredUpload.draft`). */
export interface DraftState {
  /** The length the client declared (`Upload-Length`, or `?1` with `Content-Length`). */
  length?: number | undefined;
  /** `Repr-Digest` the client sent: algorithm → base64 digest of the whole upload. */
  reprDigest?: Partial<Record<DigestAlgorithm, string>> | undefined;
  /** `Want-Repr-Digest` of the creation: algorithms to answer the completion with. */
  wantReprDigest?: DigestAlgorithm[] | undefined;
}

/** The draft state of `upload` (`{}` for a tus upload), checked as it is read from disk. */
export function draftState(upload: DraftRecord): DraftState {
  const state = upload.draft;
  if (typeof state !== 'object' || state === null) return {};
  const length =
    Number.isSafeInteger(state.length) && (state.length ?? -1) >= 0 ? state.length : undefined;
  const reprDigest: Partial<Record<DigestAlgorithm, string>> = {};
  for (const [key, value] of Object.entries(state.reprDigest ?? {})) {
    if (isDigestAlgorithm(key) && typeof value === 'string') reprDigest[key] = value;
  }
  const wanted = Array.isArray(state.wantReprDigest)
    ? state.wantReprDigest.filter((key): key is DigestAlgorithm => isDigestAlgorithm(String(key)))
    : [];
  return {
    length,
    reprDigest: Object.keys(reprDigest).length > 0 ? reprDigest : undefined,
    wantReprDigest: wanted.length > 0 ? wanted : undefined,
  };
}

/** The length known of `upload`: its recorded length, else the one its client declared. */
export function knownLength(upload: DraftRecord): number | undefined {
  return upload.length ?? draftState(upload).length;
}
