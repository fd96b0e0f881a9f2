/**
 * Completing an upload, whichever protocol's request completes it (a tus PATCH reaching the
 * length, a draft `Upload-Complete: ?1`): one set of rules for one record. The length
 * becomes the offset; every representation digest the upload carries (the draft's
 * `Repr-Digest` given at creation, and one the completing request adds) is checked against
 * the stored bytes, and a mismatch discards the upload (its bytes are not what the client
 * meant); only then is the upload recorded complete and `onUploadFinish` run, once. This is
 * the one place an existing upload becomes complete, so a record never claims a completion
 * that was not verified. The bytes are hashed in one pass over the data file, only when a
 * digest is to be checked or answered.
 */
import { createHash } from 'node:crypto';
import { DIGEST_ALGORITHMS, type DigestAlgorithm, type Digests } from '../protocol/ietf/digests.js';
import { toBase64 } from '../protocol/metadata.js';
import { draftState } from './ietf/draft-state.js';
import { type ServerContext, withExpiry } from './server-context.js';
import { refuse, type StoredUpload } from './upload-record.js';

const READ_BYTES = 1024 * 1024;

export interface Completion {
  /** `Repr-Digest` of the completing request (the draft's), beside the creation's. */
  claimed?: Digests | undefined;
  /** Algorithms whose digest of the whole upload the answer carries (`Want-Repr-Digest`). */
  wanted?: readonly DigestAlgorithm[] | undefined;
  /** Headers of the refusal when a digest does not match (the draft's `Upload-Complete: ?1`). */
  refusalHeaders?: Record<string, string> | undefined;
}

export interface Completed {
  /** The upload as recorded: complete, its length its offset. */
  upload: StoredUpload;
  /** base64 digests of the whole upload, for every algorithm of `wanted`. */
  digests: Map<DigestAlgorithm, string>;
}

/**
 * The first algorithm of `claimed` whose digest differs from the one the upload was given
 * before (at its creation): a request may repeat the representation's digest, never change
 * it. `undefined` when they agree (or either is absent).
 */
export function conflictingDigest(
  upload: StoredUpload,
  claimed: Digests | undefined,
): DigestAlgorithm | undefined {
  const known = draftState(upload).reprDigest ?? {};
  for (const [key, bytes] of claimed ?? []) {
    const before = known[key];
    if (before !== undefined && before !== toBase64(bytes)) return key;
  }
  return undefined;
}

/**
 * Completes `upload` at its offset (its bytes are on disk and durable; the record may not
 * say so yet): checks its digests, records it complete, runs `onUploadFinish`. A mismatch
 * removes the upload and is refused (400). Callers complete an upload once: at the request
 * that takes it from incomplete to complete.
 */
export async function completeUpload(
  context: ServerContext,
  upload: StoredUpload,
  completion: Completion = {},
): Promise<Completed> {
  const conflict = conflictingDigest(upload, completion.claimed);
  if (conflict !== undefined) {
    refuse(
      400,
      `Repr-Digest ${conflict} differs from the one given when the upload was created; it cannot change`,
      completion.refusalHeaders,
    );
  }
  const claims = new Map<DigestAlgorithm, string>();
  for (const [key, value] of Object.entries(draftState(upload).reprDigest ?? {})) {
    claims.set(key as DigestAlgorithm, value);
  }
  for (const [key, bytes] of completion.claimed ?? []) claims.set(key, toBase64(bytes));
  const wanted = completion.wanted ?? [];
  const computed = await hashFile(context, upload, [...new Set([...claims.keys(), ...wanted])]);
  for (const [key, expected] of claims) {
    if (computed.get(key) !== expected) {
      await context.store.remove(upload.id);
      refuse(
        400,
        `Repr-Digest ${key} does not match the ${upload.offset} bytes uploaded; the upload was discarded`,
        completion.refusalHeaders,
      );
    }
  }
  const digests = new Map(
    wanted.flatMap((key) => {
      const value = computed.get(key);
      return value === undefined ? [] : [[key, value] as const];
    }),
  );
  const done = withExpiry({ ...upload, length: upload.offset }, context.options, Date.now());
  await context.store.save(done);
  await context.finished(done);
  return { upload: done, digests };
}

/**
 * base64 digests of the upload's first `offset` bytes, one pass for every algorithm, read
 * through the store's file system. A data file shorter than that is an error.
 */
async function hashFile(
  context: ServerContext,
  upload: StoredUpload,
  algorithms: readonly DigestAlgorithm[],
): Promise<Map<DigestAlgorithm, string>> {
  if (algorithms.length === 0) return new Map();
  const hashes = algorithms.map((key) => [key, createHash(DIGEST_ALGORITHMS[key])] as const);
  if (upload.offset > 0) {
    const { store } = context;
    const handle = await store.fs.open(store.dataPath(upload.id), 'r');
    const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, upload.offset));
    try {
      for (let position = 0; position < upload.offset; ) {
        const want = Math.min(buffer.length, upload.offset - position);
        const { bytesRead } = await handle.read(buffer, 0, want, position);
        if (bytesRead === 0) {
          throw new Error(`the data file of ${upload.id} holds fewer than ${upload.offset} bytes`);
        }
        for (const [, hash] of hashes) hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  return new Map(hashes.map(([key, hash]) => [key, hash.digest('base64')]));
}
