/**
 * The AWS SDK v3 S3 client of the S3 store, loaded only when an S3 store is started (the SDK
 * is an optional peer dependency), and the one place its errors become `TusStoreError`s: with
 * the S3 error code and the HTTP status, never the SDK's error object (it holds the request)
 * nor a credential.
 */
import type * as S3Sdk from '@aws-sdk/client-s3';
import { type StoreOperation, TusStoreError } from '../store/store-errors.js';
import type { ResolvedS3StoreOptions } from './s3-options.js';

export type Sdk = typeof S3Sdk;

export interface S3Connection {
  readonly sdk: Sdk;
  readonly client: S3Sdk.S3Client;
  readonly bucket: string;
}

/** Loads the SDK and makes the client. */
export async function connectS3(options: ResolvedS3StoreOptions): Promise<S3Connection> {
  let sdk: Sdk;
  try {
    sdk = await import('@aws-sdk/client-s3');
  } catch (error) {
    throw new TusStoreError(
      'the S3 store needs the package @aws-sdk/client-s3: npm install @aws-sdk/client-s3',
      { operation: 'start', storeCode: (error as { code?: string }).code },
    );
  }
  const client = new sdk.S3Client({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    forcePathStyle: options.forcePathStyle,
    maxAttempts: options.maxAttempts,
    // The SDK's default (a checksum on every request) frames streamed bodies in a way
    // several S3-compatible services refuse (Ceph RGW: 411 MissingContentLength); our store
    // checks its own checksums before any byte reaches S3.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  if (options.region === undefined) {
    // No region configured anywhere: S3-compatible services take any; AWS answers with it.
    const region = await client.config.region().catch(() => undefined);
    if (region === undefined || region === '') {
      client.destroy();
      return connectS3({ ...options, region: 'us-east-1' });
    }
  }
  return { sdk, client, bucket: options.bucket };
}

/** The S3 error code of `error` (`NoSuchKey`, `NoSuchUpload`, `AccessDenied`…), or its system code. */
export function s3Code(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = error as { Code?: unknown; name?: unknown; code?: unknown };
  if (typeof value.Code === 'string') return value.Code;
  if (typeof value.code === 'string') return value.code;
  if (typeof value.name === 'string' && value.name !== 'Error') return value.name;
  return undefined;
}

/** The HTTP status of an S3 answer that failed, when one came. */
export function s3Status(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata
    ?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Whether `error` says the object (or upload) is not there. */
export function isNotFound(error: unknown): boolean {
  const code = s3Code(error);
  return code === 'NoSuchKey' || code === 'NotFound' || s3Status(error) === 404;
}

/** `error` of S3 call `call` as a `TusStoreError` (code and status only). */
export function storeFailure(
  error: unknown,
  call: string,
  operation: StoreOperation,
  uploadId?: string,
): TusStoreError {
  if (error instanceof TusStoreError) return error;
  const code = s3Code(error);
  const status = s3Status(error);
  const answer = [code, status === undefined ? undefined : `HTTP ${status}`]
    .filter((part) => part !== undefined)
    .join(', ');
  return new TusStoreError(`S3 ${call} failed (${answer === '' ? 'no answer' : answer})`, {
    operation,
    uploadId,
    storeCode: code,
  });
}

/** The whole body of a GetObject answer. */
export async function bodyBytes(body: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
