/**
 * Completing a draft upload (`Upload-Complete: ?1` fully received): its length becomes its
 * offset, a `Repr-Digest` the client sent is checked against the stored bytes (a mismatch
 * discards the upload: its bytes are not what the client meant), and the algorithms of
 * `Want-Repr-Digest` are answered with `Repr-Digest`. The bytes are hashed in one pass
 * over the data file, only when a digest was sent or asked for.
 */
import { createHash } from 'node:crypto';
import {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type Digests,
  formatDigestField,
} from '../../protocol/ietf/digests.js';
import { fromBase64, toBase64 } from '../../protocol/metadata.js';
import { type ServerContext, withExpiry } from '../server-context.js';
import { refuse, type StoredUpload } from '../upload-record.js';
import { refuseProblem, stateHeaders } from './draft-reply.js';
import { draftState, knownLength } from './draft-state.js';

const READ_BYTES = 1024 * 1024;

export interface Completed {
  upload: StoredUpload;
  /** `Repr-Digest` answering `Want-Repr-Digest`, when asked. */
  headers: Record<string, string>;
}

export async function completeDraft(
  context: ServerContext,
  upload: StoredUpload,
  claimed: Digests | undefined,
  wanted: readonly DigestAlgorithm[],
): Promise<Completed> {
  const state = draftState(upload);
  const length = knownLength(upload);
  if (length !== undefined && length !== upload.offset) {
    refuseProblem(
      400,
      'inconsistentLength',
      `the upload holds ${upload.offset} bytes but its length was said to be ${length}; it is not complete`,
      stateHeaders(upload),
    );
  }
  const claims = new Map<DigestAlgorithm, string>();
  for (const [key, value] of Object.entries(state.reprDigest ?? {})) {
    claims.set(key as DigestAlgorithm, value);
  }
  for (const [key, bytes] of claimed ?? []) claims.set(key, toBase64(bytes));
  const answer = [...new Set([...(state.wantReprDigest ?? []), ...wanted])];
  const computed = await hashFile(context, upload, [...new Set([...claims.keys(), ...answer])]);
  for (const [key, expected] of claims) {
    if (computed.get(key) !== expected) {
      await context.store.remove(upload.id);
      refuse(
        400,
        `Repr-Digest ${key} does not match the ${upload.offset} bytes uploaded; the upload was discarded`,
        { 'Upload-Complete': '?1' },
      );
    }
  }
  const done = withExpiry({ ...upload, length: upload.offset }, context.options, Date.now());
  await context.store.save(done);
  await context.finished(done);
  const digests = answer.flatMap((key) => {
    const bytes = fromBase64(computed.get(key) ?? '');
    return bytes === undefined ? [] : [[key, bytes] as const];
  });
  return {
    upload: done,
    headers: digests.length > 0 ? { 'Repr-Digest': formatDigestField(digests) } : {},
  };
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
