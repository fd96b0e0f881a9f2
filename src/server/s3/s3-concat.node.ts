/**
 * Concatenation in the S3 store: the finished objects of the partial uploads become the parts
 * of the final one. By server-side copy (UploadPartCopy, no byte through this process) when
 * their sizes are parts S3 takes (each at least 5 MiB but the last, at most 5 GiB); else
 * streamed through a `PartWriter`. The final record is saved only once its object is whole; a
 * failure aborts the multipart upload and leaves the final upload empty.
 */
import { TusStoreError } from '../store/store-errors.js';
import type { UploadRecord } from '../store/upload-store.js';
import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE } from './part-plan.js';
import { PartWriter, type S3Base } from './s3-parts.node.js';
import type { S3Part, S3Record } from './s3-record.js';

type Sources = readonly { id: string; length: number }[];

/** Whether every source can be one part of a multipart upload as it is. */
function copyable(parts: Sources): boolean {
  if (parts.length === 0 || parts.length > MAX_PARTS) return false;
  return parts.every(
    (part, index) =>
      part.length <= MAX_PART_SIZE &&
      (index === parts.length - 1 ? part.length > 0 : part.length >= MIN_PART_SIZE),
  );
}

export async function concatenateInS3(
  base: S3Base,
  record: S3Record,
  parts: Sources,
  signal: AbortSignal,
): Promise<UploadRecord> {
  const id = record.upload.id;
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  if (record.s3.finished || record.upload.offset !== 0 || record.upload.length !== total) {
    throw new TusStoreError(
      `upload ${id} is not an empty upload of ${total} bytes to concatenate into`,
      { operation: 'concatenate', uploadId: id },
    );
  }
  for (const part of parts) await checkSource(base, part);
  const working: S3Record = { ...record, s3: { ...record.s3, parts: [] } };
  try {
    if (copyable(parts)) {
      working.s3.parts = await copyParts(base, working, parts, signal);
      await base.finish(working, Buffer.alloc(0), 'concatenate');
    } else {
      const writer = new PartWriter(base, working, 'concatenate');
      for (const part of parts) {
        if (part.length === 0) continue;
        const body = await base.send(
          'GetObject of a partial upload',
          'concatenate',
          part.id,
          async (sdk, bucket) =>
            (
              await base.connection.client.send(
                new sdk.GetObjectCommand({
                  Bucket: bucket,
                  Key: base.keys(part.id).object,
                  Range: `bytes=0-${part.length - 1}`,
                }),
              )
            ).Body as AsyncIterable<Uint8Array>,
        );
        for await (const chunk of body) {
          signal.throwIfAborted();
          await writer.write(chunk);
        }
      }
      signal.throwIfAborted();
      working.s3.parts = [...writer.staged];
      await base.finish(working, writer.leftover(), 'concatenate');
    }
  } catch (error) {
    const multipartId = working.s3.multipartId;
    if (multipartId !== undefined) await base.abort(id, multipartId).catch(() => {});
    if (record.s3.multipartId !== undefined)
      await base
        .saveRecord({ ...record, s3: { ...record.s3, multipartId: undefined } }, 'concatenate')
        .catch(() => {});
    throw error;
  }
  const upload = { ...record.upload, offset: total };
  await base.saveRecord({ ...working, upload }, 'concatenate');
  return upload;
}

/** A partial upload must be finished and hold `length` bytes. */
async function checkSource(base: S3Base, part: { id: string; length: number }): Promise<void> {
  const source = await base.loadRecord(part.id, 'concatenate');
  if (source === undefined || !source.s3.finished || source.upload.offset < part.length) {
    throw new TusStoreError(`partial upload ${part.id} is gone or unfinished`, {
      operation: 'concatenate',
      uploadId: part.id,
    });
  }
}

async function copyParts(
  base: S3Base,
  record: S3Record,
  parts: Sources,
  signal: AbortSignal,
): Promise<S3Part[]> {
  const id = record.upload.id;
  const multipartId = await base.multipartOf(record, 'concatenate');
  const out: S3Part[] = [];
  for (const [index, part] of parts.entries()) {
    signal.throwIfAborted();
    const number = index + 1;
    const source = `${base.connection.bucket}/${base.keys(part.id).object}`
      .split('/')
      .map(encodeURIComponent)
      .join('/');
    const answer = await base.send('UploadPartCopy', 'concatenate', id, (sdk, bucket) =>
      base.connection.client.send(
        new sdk.UploadPartCopyCommand({
          Bucket: bucket,
          Key: base.keys(id).object,
          UploadId: multipartId,
          PartNumber: number,
          CopySource: source,
          CopySourceRange: `bytes=0-${part.length - 1}`,
        }),
      ),
    );
    out.push({ number, size: part.length, etag: answer.CopyPartResult?.ETag ?? '' });
  }
  return out;
}
