/**
 * `s3Store`: uploads on S3 or an S3-compatible service, through the AWS SDK v3 (an optional
 * peer dependency, loaded by `start()`). An upload is a multipart upload at `<prefix><id>`;
 * its record is the object `<prefix><id>.info`; bytes that do not fill a part yet wait in
 * `<prefix><id>.part.<n>` (see s3-record.ts). Once complete, the upload is one ordinary object
 * at `<prefix><id>`, with user metadata `upload-id` and `upload-metadata` (the client's
 * metadata as sent, when it fits).
 *
 * Several instances may share one bucket: records are not cached, every call reads the
 * record. Changing calls rely on the upload's lease (`Locker`) for one writer at a time.
 * Credentials come from the SDK's standard chain and never appear in a message.
 */
import { randomBytes } from 'node:crypto';
import { TusStoreError } from '../store/store-errors.js';
import {
  type AppendInput,
  type AppendResult,
  type ConcatenatingStore,
  isStoreUploadId,
  type NewUpload,
  type ReadableStore,
  type ReadRange,
  type UploadChanges,
  type UploadRecord,
} from '../store/upload-store.js';
import { basePartSize } from './part-plan.js';
import { appendToS3 } from './s3-append.node.js';
import { connectS3, type S3Connection, s3Code, storeFailure } from './s3-client.node.js';
import { concatenateInS3 } from './s3-concat.node.js';
import {
  type ResolvedS3StoreOptions,
  resolveS3StoreOptions,
  type S3StoreOptions,
} from './s3-options.js';
import { S3Base, withExpiresAt } from './s3-parts.node.js';
import { RECORD_VERSION, type S3Record } from './s3-record.js';

export class S3Store implements ConcatenatingStore, ReadableStore {
  readonly kind = 's3';
  readonly options: ResolvedS3StoreOptions;
  #base: S3Base | undefined;
  #starting: Promise<S3Base> | undefined;

  /** Checks the options at once (`TypeError` / `RangeError`); connects in `start()`. */
  constructor(options: S3StoreOptions) {
    this.options = resolveS3StoreOptions(options);
  }

  /** Loads the SDK and checks that the bucket exists and the credentials are taken. */
  async start(): Promise<void> {
    await this.#ready();
  }

  #ready(): Promise<S3Base> {
    if (this.#base !== undefined) return Promise.resolve(this.#base);
    this.#starting ??= this.#connect().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  async #connect(): Promise<S3Base> {
    const connection: S3Connection = await connectS3(this.options);
    const { bucket } = this.options;
    try {
      await connection.client.send(new connection.sdk.HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      connection.client.destroy();
      const failure = storeFailure(error, `HeadBucket of bucket ${bucket}`, 'start');
      const code = s3Code(error) ?? 'no answer';
      throw new TusStoreError(`S3 bucket ${bucket}: ${code} (${failure.message})`, {
        operation: 'start',
        storeCode: failure.storeCode,
      });
    }
    this.#base = new S3Base(connection, this.options);
    return this.#base;
  }

  async create(init: NewUpload): Promise<UploadRecord> {
    const base = await this.#ready();
    const id = randomBytes(16).toString('hex');
    const upload: UploadRecord = {
      ...init,
      id,
      offset: 0,
      createdAt: init.createdAt ?? Date.now(),
    };
    for (const key of Object.keys(upload) as (keyof UploadRecord)[]) {
      if (upload[key] === undefined) delete upload[key];
    }
    const record: S3Record = {
      version: RECORD_VERSION,
      upload,
      s3: {
        partSize: basePartSize(init.length, this.options),
        growing: init.length === undefined && !this.options.equalParts,
        parts: [],
        tails: [],
        nextGeneration: 1,
        finished: false,
      },
    };
    if (upload.length === 0 && upload.concat?.type !== 'final') {
      await base.finish(record, Buffer.alloc(0), 'create');
    }
    await base.saveRecord(record, 'create');
    return { ...upload };
  }

  async get(id: string): Promise<UploadRecord | undefined> {
    if (!isStoreUploadId(id)) return undefined;
    const base = await this.#ready();
    return (await base.loadRecord(id, 'get'))?.upload;
  }

  async append(id: string, input: AppendInput): Promise<AppendResult> {
    const base = await this.#ready();
    return appendToS3(base, await base.mustLoad(id, 'append'), input);
  }

  async update(id: string, changes: UploadChanges): Promise<UploadRecord> {
    const base = await this.#ready();
    const record = await base.mustLoad(id, 'update');
    let upload: UploadRecord = { ...record.upload };
    if (changes.length !== undefined) {
      const known = upload.length;
      if ((known !== undefined && known !== changes.length) || changes.length < upload.offset) {
        throw new TusStoreError(
          `upload ${id} cannot take length ${changes.length} (length ${known ?? 'deferred'}, offset ${upload.offset})`,
          { operation: 'update', uploadId: id },
        );
      }
      upload.length = changes.length;
    }
    if (changes.clearExpiry === true) upload = withExpiresAt(upload, undefined);
    if (changes.expiresAt !== undefined) upload.expiresAt = changes.expiresAt;
    if (changes.digests !== undefined) upload.digests = changes.digests;
    if (changes.protocolState !== undefined) upload.protocolState = changes.protocolState;
    const next: S3Record = { ...record, upload, s3: { ...record.s3, parts: [...record.s3.parts] } };
    if (!next.s3.finished && upload.length !== undefined && upload.offset >= upload.length) {
      await base.finish(next, await base.tailBytes(record, 'update'), 'update');
    }
    await base.saveRecord(next, 'update');
    await base.dropTails(id, record.s3.tails, next.s3.tails);
    return { ...upload };
  }

  async concatenate(
    id: string,
    parts: readonly { id: string; length: number }[],
    signal: AbortSignal,
  ): Promise<UploadRecord> {
    const base = await this.#ready();
    return concatenateInS3(base, await base.mustLoad(id, 'concatenate'), parts, signal);
  }

  async read(id: string, range: ReadRange = {}): Promise<AsyncIterable<Uint8Array>> {
    const base = await this.#ready();
    const record = await base.mustLoad(id, 'read');
    if (!record.s3.finished) {
      throw new TusStoreError(`upload ${id} is not complete: it cannot be read yet`, {
        operation: 'read',
        uploadId: id,
      });
    }
    const size = record.upload.offset;
    const start = Math.max(0, range.start ?? 0);
    const end = Math.min(size, range.end ?? size);
    if (end <= start) return (async function* () {})();
    const answer = await base.send('GetObject', 'read', id, (sdk, bucket) =>
      base.connection.client.send(
        new sdk.GetObjectCommand({
          Bucket: bucket,
          Key: base.keys(id).object,
          Range: `bytes=${start}-${end - 1}`,
        }),
      ),
    );
    return answer.Body as AsyncIterable<Uint8Array>;
  }

  /**
   * The record first (the upload is gone from then on), then every multipart upload at the
   * upload's key, its waiting bytes and its object.
   */
  async remove(id: string): Promise<void> {
    if (!isStoreUploadId(id)) return;
    const base = await this.#ready();
    const { client, sdk, bucket } = base.connection;
    const keys = base.keys(id);
    await base.deleteKey(keys.info, id, false);
    let marker: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await base.send('ListMultipartUploads', 'remove', id, () =>
        client.send(
          new sdk.ListMultipartUploadsCommand({ Bucket: bucket, Prefix: keys.object, ...marker }),
        ),
      );
      for (const upload of page.Uploads ?? []) {
        if (upload.Key === keys.object && upload.UploadId !== undefined) {
          await base.abort(id, upload.UploadId);
        }
      }
      if (page.IsTruncated !== true) break;
      marker = {
        ...(page.NextKeyMarker === undefined ? {} : { KeyMarker: page.NextKeyMarker }),
        ...(page.NextUploadIdMarker === undefined
          ? {}
          : { UploadIdMarker: page.NextUploadIdMarker }),
      };
    }
    for (const key of await this.#keysUnder(base, keys.tails, 'remove')) {
      await base.deleteKey(key, id, false);
    }
    await base.deleteKey(keys.object, id, false);
  }

  async expired(now: number): Promise<string[]> {
    const base = await this.#ready();
    const { prefix } = this.options;
    const out: string[] = [];
    for (const key of await this.#keysUnder(base, prefix, 'expired')) {
      if (!key.endsWith('.info')) continue;
      const id = key.slice(prefix.length, -'.info'.length);
      if (!isStoreUploadId(id)) continue;
      const record = await base.loadRecord(id, 'expired');
      const expiresAt = record?.upload.expiresAt;
      if (expiresAt !== undefined && expiresAt < now) out.push(id);
    }
    return out;
  }

  async close(): Promise<void> {
    const base = this.#base;
    this.#base = undefined;
    this.#starting = undefined;
    base?.connection.client.destroy();
  }

  async #keysUnder(
    base: S3Base,
    prefix: string,
    operation: 'remove' | 'expired',
  ): Promise<string[]> {
    const { client, sdk, bucket } = base.connection;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await base.send('ListObjectsV2', operation, undefined, () =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        ),
      );
      for (const item of page.Contents ?? []) if (item.Key !== undefined) keys.push(item.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }
}

/**
 * An `UploadStore` on S3 or an S3-compatible service (the server takes it in a later step;
 * see docs/server.md).
 * @example
 * const store = s3Store({ bucket: 'uploads', endpoint: 'http://127.0.0.1:9000' });
 * await store.start(); // the bucket exists and the credentials are taken
 */
export function s3Store(options: S3StoreOptions): S3Store {
  return new S3Store(options);
}
