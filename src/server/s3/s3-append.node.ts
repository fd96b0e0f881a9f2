/**
 * An append to an upload in the S3 store. The bytes go, after the waiting bytes of earlier
 * appends, into parts uploaded as they fill (`PartWriter`); the rest waits in memory. Only
 * when the body has ended (and its checksum matched, when one was given) are the rest written
 * as the next generation of waiting bytes and the record saved naming the new parts: the
 * record is the commit point, so a checksum that fails, a body that is too long or a crash
 * leaves the upload as it was (parts uploaded meanwhile are named by no record, and the next
 * append uploads over them).
 */
import { createHash, type Hash } from 'node:crypto';
import type { ChecksumAlgorithm } from '../../types.js';
import { TusStoreError } from '../store/store-errors.js';
import type {
  AppendInput,
  AppendResult,
  ChecksumOutcome,
  UploadRecord,
} from '../store/upload-store.js';
import { PartWriter, type S3Base, withExpiresAt } from './s3-parts.node.js';
import { MAX_TAIL_PIECES, type S3Record } from './s3-record.js';

interface Reading {
  received: number;
  ended: boolean;
  overflow: boolean;
  /** A failure of S3 while parts were uploaded. */
  failure: TusStoreError | undefined;
}

export async function appendToS3(
  base: S3Base,
  record: S3Record,
  input: AppendInput,
): Promise<AppendResult> {
  const { upload, s3 } = record;
  if (s3.finished || (upload.length !== undefined && upload.offset >= upload.length)) {
    throw new TusStoreError(`upload ${upload.id} is complete: nothing more can be appended`, {
      operation: 'append',
      uploadId: upload.id,
    });
  }
  if (input.offset !== upload.offset) {
    throw new TusStoreError(
      `an append at offset ${input.offset} to upload ${upload.id}, which holds ${upload.offset} bytes`,
      { operation: 'append', uploadId: upload.id },
    );
  }
  const room = Math.min(input.limit, (upload.length ?? base.options.maxUploadSize) - upload.offset);
  const algorithms = input.checksum?.algorithms ?? [];
  const hashes = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  const writer = new PartWriter(base, record, 'append');
  const reading = await readBody(input, room, writer, hashes);
  const digests = new Map<ChecksumAlgorithm, string>(
    hashes.map(([algorithm, hash]) => [algorithm, hash.digest('base64')]),
  );
  const result = (kept: number, next: UploadRecord, checksum: ChecksumOutcome): AppendResult => ({
    upload: next,
    kept,
    received: reading.received,
    ended: reading.ended,
    overflow: reading.overflow,
    checksum,
    digests,
  });

  if (reading.failure !== undefined) {
    if (input.checksum === undefined) await keepStaged(base, record, writer, input);
    throw reading.failure;
  }
  if (reading.overflow) return result(0, upload, 'none');
  let checksum: ChecksumOutcome = 'none';
  if (input.checksum !== undefined) {
    if (!reading.ended) return result(0, upload, 'none');
    const expected = input.checksum.expected();
    if (expected === undefined) return result(0, upload, 'missing');
    if (digests.get(expected.algorithm) !== expected.digest) return result(0, upload, 'mismatch');
    checksum = 'match';
  }
  if (reading.received === 0) return result(0, upload, checksum);

  const next = commitUpload(upload, upload.offset + reading.received, input);
  const saved = await commit(base, record, writer, next, input.checksum === undefined);
  return result(reading.received, saved, checksum);
}

/** Reads the body into `writer` until its end, `room` bytes, `signal` or an S3 failure. */
async function readBody(
  input: AppendInput,
  room: number,
  writer: PartWriter,
  hashes: readonly (readonly [ChecksumAlgorithm, Hash])[],
): Promise<Reading> {
  const reading: Reading = { received: 0, ended: true, overflow: false, failure: undefined };
  const iterator = input.body[Symbol.asyncIterator]();
  let onAbort = (): void => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
  });
  input.signal.addEventListener('abort', onAbort, { once: true });
  if (input.signal.aborted) onAbort();
  try {
    for (;;) {
      let step: IteratorResult<Uint8Array> | 'aborted';
      try {
        step = await Promise.race([iterator.next(), aborted]);
      } catch {
        reading.ended = false;
        break;
      }
      if (step === 'aborted') {
        reading.ended = false;
        break;
      }
      if (step.done === true) break;
      const chunk = step.value;
      const take = Math.min(chunk.length, room - reading.received);
      if (take < chunk.length) reading.overflow = true;
      if (take > 0) {
        const part = take === chunk.length ? chunk : chunk.subarray(0, take);
        for (const [, hash] of hashes) hash.update(part);
        reading.received += take;
        try {
          await writer.write(part);
        } catch (error) {
          reading.failure =
            error instanceof TusStoreError
              ? error
              : new TusStoreError('the append failed', { operation: 'append', cause: error });
          break;
        }
      }
      if (reading.overflow) break;
    }
  } finally {
    input.signal.removeEventListener('abort', onAbort);
    if (!reading.ended || reading.overflow || reading.failure !== undefined) {
      void iterator.return?.()?.catch(() => {});
    }
  }
  return reading;
}

function commitUpload(upload: UploadRecord, offset: number, input: AppendInput): UploadRecord {
  const next = { ...upload, offset };
  return input.expiry === undefined ? next : withExpiresAt(next, input.expiry(next));
}

/**
 * Records the bytes read: the staged parts, then the rest as a new piece of waiting bytes
 * (or, once the upload is complete, as its last part, finishing it), then the record; waiting
 * pieces the record no longer names are removed last. A failure records what is durable
 * (`keepOnFailure`) and is thrown.
 */
async function commit(
  base: S3Base,
  record: S3Record,
  writer: PartWriter,
  next: UploadRecord,
  keepOnFailure: boolean,
): Promise<UploadRecord> {
  const oldTails = record.s3.tails;
  const state = { ...record.s3, parts: [...record.s3.parts, ...writer.staged] };
  const done: S3Record = { ...record, upload: next, s3: state };
  try {
    const complete = next.length !== undefined && next.offset >= next.length;
    if (complete || (writer.waitingKept && oldTails.length >= MAX_TAIL_PIECES)) {
      await writer.absorbWaiting();
    }
    const rest = writer.leftover();
    const kept = writer.waitingKept ? [...oldTails] : [];
    if (complete) await base.finish(done, rest, 'append');
    else state.tails = rest.length > 0 ? [...kept, await base.putTail(done, rest, 'append')] : kept;
    await base.saveRecord(done, 'append');
  } catch (error) {
    if (keepOnFailure) await keepStaged(base, record, writer, undefined);
    throw error;
  }
  await base.dropTails(next.id, oldTails, state.tails);
  return next;
}

/**
 * After a failure, without a checksum to honour: records the parts uploaded before it (they
 * hold the old waiting bytes, if any, and the first bytes of the body). Best effort: when even
 * that fails the record stays as it was, which is as consistent.
 */
async function keepStaged(
  base: S3Base,
  record: S3Record,
  writer: PartWriter,
  input: AppendInput | undefined,
): Promise<void> {
  // A part was cut, so the waiting pieces were read into it: the record names none now.
  if (writer.staged.length === 0) return;
  const parts = [...record.s3.parts, ...writer.staged];
  const offset = parts.reduce((sum, part) => sum + part.size, 0);
  const upload =
    input === undefined ? { ...record.upload, offset } : commitUpload(record.upload, offset, input);
  const kept: S3Record = { ...record, upload, s3: { ...record.s3, parts, tails: [] } };
  try {
    await base.saveRecord(kept, 'append');
  } catch {
    return;
  }
  await base.dropTails(record.upload.id, record.s3.tails, []);
}
