/**
 * The S3 calls of the S3 store's parts of one upload: its record object, its multipart upload
 * (created lazily), parts cut from the bytes as they come (`PartWriter`), the waiting bytes,
 * and finishing the upload into one object. Every failure is a `TusStoreError`.
 */
import type { StoreOperation } from '../store/store-errors.js';
import { TusStoreError } from '../store/store-errors.js';
import type { UploadRecord } from '../store/upload-store.js';
import { MAX_PARTS, partSizeOf } from './part-plan.js';
import { bodyBytes, isNotFound, type S3Connection, storeFailure } from './s3-client.node.js';
import type { ResolvedS3StoreOptions } from './s3-options.js';
import {
  keysOf,
  objectMetadata,
  parseS3Record,
  type S3Keys,
  type S3Part,
  type S3Record,
  serializeS3Record,
  storedBytes,
  type TailPiece,
} from './s3-record.js';

/** What the store's pieces share: the connection, the options, the record's I/O. */
export class S3Base {
  readonly connection: S3Connection;
  readonly options: ResolvedS3StoreOptions;

  constructor(connection: S3Connection, options: ResolvedS3StoreOptions) {
    this.connection = connection;
    this.options = options;
  }

  keys(id: string): S3Keys {
    return keysOf(this.options.prefix, id);
  }

  /** Runs S3 call `call` (named for messages), its failure a `TusStoreError`. */
  async send<T>(
    call: string,
    operation: StoreOperation,
    uploadId: string | undefined,
    run: (sdk: S3Connection['sdk'], bucket: string) => Promise<T>,
  ): Promise<T> {
    try {
      return await run(this.connection.sdk, this.connection.bucket);
    } catch (error) {
      throw storeFailure(error, call, operation, uploadId);
    }
  }

  /** The record of `id`; `undefined` when there is none or it is not readable as one. */
  async loadRecord(id: string, operation: StoreOperation): Promise<S3Record | undefined> {
    const { client, sdk, bucket } = this.connection;
    let text: string;
    try {
      const answer = await client.send(
        new sdk.GetObjectCommand({ Bucket: bucket, Key: this.keys(id).info }),
      );
      text = (await bodyBytes(answer.Body)).toString('utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw storeFailure(error, 'GetObject of a record', operation, id);
    }
    return parseS3Record(text, id);
  }

  /** The record of `id`, or a `TusStoreError` when there is none. */
  async mustLoad(id: string, operation: StoreOperation): Promise<S3Record> {
    const record = await this.loadRecord(id, operation);
    if (record === undefined) {
      throw new TusStoreError(`no upload ${id} in the S3 store`, { operation, uploadId: id });
    }
    return record;
  }

  /** Saves `record`: the commit point of every change. */
  async saveRecord(record: S3Record, operation: StoreOperation): Promise<void> {
    const id = record.upload.id;
    const body = serializeS3Record(record);
    await this.send('PutObject of a record', operation, id, (sdk, bucket) =>
      this.connection.client.send(
        new sdk.PutObjectCommand({
          Bucket: bucket,
          Key: this.keys(id).info,
          Body: body,
          ContentType: 'application/json',
        }),
      ),
    );
  }

  /** The multipart upload of `record`, created (and recorded) when it has none. */
  async multipartOf(record: S3Record, operation: StoreOperation): Promise<string> {
    if (record.s3.multipartId !== undefined) return record.s3.multipartId;
    const id = record.upload.id;
    const answer = await this.send('CreateMultipartUpload', operation, id, (sdk, bucket) =>
      this.connection.client.send(
        new sdk.CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: this.keys(id).object,
          Metadata: objectMetadata(record.upload),
        }),
      ),
    );
    if (answer.UploadId === undefined) {
      throw new TusStoreError('S3 CreateMultipartUpload answered without an UploadId', {
        operation,
        uploadId: id,
      });
    }
    record.s3.multipartId = answer.UploadId;
    await this.saveRecord(record, operation);
    return answer.UploadId;
  }

  async uploadPart(
    record: S3Record,
    number: number,
    bytes: Buffer,
    operation: StoreOperation,
  ): Promise<S3Part> {
    const id = record.upload.id;
    const multipartId = await this.multipartOf(record, operation);
    const answer = await this.send('UploadPart', operation, id, (sdk, bucket) =>
      this.connection.client.send(
        new sdk.UploadPartCommand({
          Bucket: bucket,
          Key: this.keys(id).object,
          UploadId: multipartId,
          PartNumber: number,
          Body: bytes,
          ContentLength: bytes.length,
        }),
      ),
    );
    return { number, size: bytes.length, etag: answer.ETag ?? '' };
  }

  /** The waiting bytes of `record`, its pieces joined (none when it has none). */
  async tailBytes(record: S3Record, operation: StoreOperation): Promise<Buffer> {
    const id = record.upload.id;
    const pieces: Buffer[] = [];
    for (const piece of record.s3.tails) {
      if (piece.size === 0) continue;
      const bytes = await this.send(
        'GetObject of waiting bytes',
        operation,
        id,
        async (sdk, bucket) => {
          const answer = await this.connection.client.send(
            new sdk.GetObjectCommand({ Bucket: bucket, Key: this.keys(id).tail(piece.generation) }),
          );
          return bodyBytes(answer.Body);
        },
      );
      if (bytes.length !== piece.size) {
        throw new TusStoreError(
          `waiting bytes ${piece.generation} of upload ${id} hold ${bytes.length} bytes, the record says ${piece.size}`,
          { operation, uploadId: id },
        );
      }
      pieces.push(bytes);
    }
    return Buffer.concat(pieces);
  }

  /** Deletes the pieces of waiting bytes in `old` that `kept` does not name (failures ignored). */
  async dropTails(
    id: string,
    old: readonly TailPiece[],
    kept: readonly TailPiece[],
  ): Promise<void> {
    const keep = new Set(kept.map((piece) => piece.generation));
    for (const piece of old) {
      if (!keep.has(piece.generation))
        await this.deleteKey(this.keys(id).tail(piece.generation), id, true);
    }
  }

  /**
   * Writes `bytes` as the next piece of waiting bytes and moves `record.s3.nextGeneration` on;
   * returns the piece for the record.
   */
  async putTail(record: S3Record, bytes: Buffer, operation: StoreOperation): Promise<TailPiece> {
    const id = record.upload.id;
    const generation = record.s3.nextGeneration;
    await this.send('PutObject of waiting bytes', operation, id, (sdk, bucket) =>
      this.connection.client.send(
        new sdk.PutObjectCommand({
          Bucket: bucket,
          Key: this.keys(id).tail(generation),
          Body: bytes,
          ContentLength: bytes.length,
        }),
      ),
    );
    record.s3.nextGeneration = generation + 1;
    return { generation, size: bytes.length };
  }

  /**
   * Makes `record` (its parts recorded, `last` the bytes after them) one object at its key:
   * one PutObject when it has no part, else `last` as the last part and the multipart upload
   * completed. Changes `record.s3` (finished, no waiting bytes); the caller saves it.
   */
  async finish(record: S3Record, last: Buffer, operation: StoreOperation): Promise<void> {
    const id = record.upload.id;
    const { client } = this.connection;
    const key = this.keys(id).object;
    if (record.s3.parts.length === 0) {
      await this.send('PutObject of a finished upload', operation, id, (sdk, bucket) =>
        client.send(
          new sdk.PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: last,
            ContentLength: last.length,
            Metadata: objectMetadata(record.upload),
          }),
        ),
      );
      if (record.s3.multipartId !== undefined) await this.abort(id, record.s3.multipartId);
      record.s3.multipartId = undefined;
    } else {
      try {
        if (last.length > 0) {
          const number = record.s3.parts.length + 1;
          record.s3.parts.push(await this.uploadPart(record, number, last, operation));
        }
        const multipartId = await this.multipartOf(record, operation);
        const parts = record.s3.parts.map((part) => ({ PartNumber: part.number, ETag: part.etag }));
        await this.send('CompleteMultipartUpload', operation, id, (sdk, bucket) =>
          client.send(
            new sdk.CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: multipartId,
              MultipartUpload: { Parts: parts },
            }),
          ),
        );
      } catch (error) {
        if (!(await this.#completedEarlier(record))) throw error;
      }
    }
    record.s3.finished = true;
    record.s3.tails = [];
  }

  /**
   * Whether an earlier request completed the upload and could not save the record (a crash,
   * an S3 failure): the multipart upload is then gone (S3 answers NoSuchUpload, Ceph RGW
   * NoSuchKey, or cuts the connection while the part is sent) and the object is there, whole,
   * with this upload's id. Asked only after a failure, which stands when this cannot tell.
   */
  async #completedEarlier(record: S3Record): Promise<boolean> {
    const id = record.upload.id;
    try {
      const head = await this.connection.client.send(
        new this.connection.sdk.HeadObjectCommand({
          Bucket: this.connection.bucket,
          Key: this.keys(id).object,
        }),
      );
      return head.ContentLength === record.upload.length && head.Metadata?.['upload-id'] === id;
    } catch {
      return false;
    }
  }

  /** Aborts multipart upload `multipartId` of `id` (gone already is fine). */
  async abort(id: string, multipartId: string): Promise<void> {
    const { client, sdk, bucket } = this.connection;
    try {
      await client.send(
        new sdk.AbortMultipartUploadCommand({
          Bucket: bucket,
          Key: this.keys(id).object,
          UploadId: multipartId,
        }),
      );
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code !== 'NoSuchUpload' && !isNotFound(error)) {
        throw storeFailure(error, 'AbortMultipartUpload', 'remove', id);
      }
    }
  }

  /** Deletes `key` (gone already is fine); failures ignored when `quiet`. */
  async deleteKey(key: string, id: string, quiet: boolean): Promise<void> {
    try {
      await this.send('DeleteObject', 'remove', id, (sdk, bucket) =>
        this.connection.client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key })),
      );
    } catch (error) {
      if (!quiet) throw error;
    }
  }
}

/**
 * Cuts bytes into parts as they come and uploads each once full; what does not fill a part
 * stays in memory (`leftover()`). The record's waiting bytes come first: they are read only
 * when a part fills (or `absorbWaiting()` is called), so an append that fills no part reads
 * nothing back. Parts uploaded here are not part of the upload until the caller records them
 * (`staged`).
 */
export class PartWriter {
  readonly staged: S3Part[] = [];
  readonly #base: S3Base;
  readonly #record: S3Record;
  readonly #operation: StoreOperation;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes of the record's waiting pieces not read yet (0 once absorbed). */
  #waiting: number;

  constructor(base: S3Base, record: S3Record, operation: StoreOperation) {
    this.#base = base;
    this.#record = record;
    this.#operation = operation;
    this.#waiting = storedBytes({ ...record.s3, parts: [] });
  }

  /** Whether the record's waiting pieces are still where they were (not read into a part). */
  get waitingKept(): boolean {
    return this.#waiting > 0;
  }

  /** The number of the next part. */
  get nextNumber(): number {
    return this.#record.s3.parts.length + this.staged.length + 1;
  }

  /** Reads the record's waiting pieces in front of the bytes written so far. */
  async absorbWaiting(): Promise<void> {
    if (this.#waiting === 0) return;
    const bytes = await this.#base.tailBytes(this.#record, this.#operation);
    this.#pending.unshift(bytes);
    this.#pendingBytes += bytes.length;
    this.#waiting = 0;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.#pending.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    this.#pendingBytes += bytes.length;
    const { partSize, growing } = this.#record.s3;
    for (;;) {
      const size = partSizeOf(this.nextNumber, partSize, growing);
      if (this.#waiting + this.#pendingBytes < size) return;
      await this.absorbWaiting();
      if (this.nextNumber > MAX_PARTS) {
        throw new TusStoreError(
          `upload ${this.#record.upload.id} would need more than ${MAX_PARTS} S3 parts`,
          { operation: this.#operation, uploadId: this.#record.upload.id },
        );
      }
      const all = Buffer.concat(this.#pending, this.#pendingBytes);
      const part = all.subarray(0, size);
      const rest = all.subarray(size);
      this.#pending = rest.length > 0 ? [rest] : [];
      this.#pendingBytes = rest.length;
      this.staged.push(
        await this.#base.uploadPart(this.#record, this.nextNumber, part, this.#operation),
      );
    }
  }

  /** The bytes after the last staged part (without the waiting pieces while `waitingKept`). */
  leftover(): Buffer {
    return Buffer.concat(this.#pending, this.#pendingBytes);
  }
}

/** `upload` with `expiresAt` set to `value` (removed when `undefined`). */
export function withExpiresAt(upload: UploadRecord, value: number | undefined): UploadRecord {
  const next: UploadRecord = { ...upload };
  if (value === undefined) delete next.expiresAt;
  else next.expiresAt = value;
  return next;
}
