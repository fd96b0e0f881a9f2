/**
 * The options each public method takes (their keys, so that a misspelt one is a clear
 * error) and the checks of call arguments: URLs, `stopAt`, `signal`.
 */
import { rejectUnknownKeys } from './options.js';
import { encodeMetadata, type MetadataEncoding } from './protocol/metadata.js';
import { show } from './show.js';
import { checkInputOptions } from './sources/open-input.js';
import type {
  CreateDeferredUploadOptions,
  CreateFinalUploadOptions,
  CreatePartialUploadOptions,
  CreateUploaderOptions,
  InputOptions,
  ResumeUploadOptions,
  UploadFileOptions,
} from './types.js';

export const INPUT_KEYS = { filePath: true, input: true, uploadSize: true } as const;
/** Option keys of each method; later issues add theirs here. */
export const UPLOAD_FILE_KEYS: { readonly [K in keyof UploadFileOptions]-?: true } = {
  ...INPUT_KEYS,
  endpoint: true,
  headers: true,
  metadata: true,
  onProgress: true,
  onUploadUrlAvailable: true,
  stopAt: true,
  signal: true,
  parallelUploads: true,
  parallelUploadBoundaries: true,
  metadataForPartialUploads: true,
};
export const CREATE_PARTIAL_UPLOAD_KEYS: {
  readonly [K in keyof CreatePartialUploadOptions]-?: true;
} = { ...INPUT_KEYS, metadata: true, onProgress: true, signal: true };
export const CREATE_DEFERRED_UPLOAD_KEYS: {
  readonly [K in keyof CreateDeferredUploadOptions]-?: true;
} = { ...INPUT_KEYS, metadata: true, onProgress: true, signal: true };
export const CREATE_FINAL_UPLOAD_KEYS: { readonly [K in keyof CreateFinalUploadOptions]-?: true } =
  {
    metadata: true,
    signal: true,
  };
export const RESUME_UPLOAD_KEYS: { readonly [K in keyof ResumeUploadOptions]-?: true } = {
  ...INPUT_KEYS,
  uploadUrl: true,
  headers: true,
  onProgress: true,
  signal: true,
};
export const CREATE_UPLOADER_KEYS: { readonly [K in keyof CreateUploaderOptions]-?: true } = {
  ...INPUT_KEYS,
  uploadUrl: true,
  metadata: true,
  chunkSize: true,
  maxRetries: true,
  checksum: true,
  retryDelay: true,
  timeout: true,
  onProgress: true,
  signal: true,
};

/** An absolute http(s) URL, normalised; `name` is how errors call it. */
export function checkEndpoint(url: unknown, name = 'url'): string {
  if (typeof url !== 'string') throw new TypeError(`${name} must be a string, got ${show(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${name} must be an absolute http(s) URL, got ${show(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`${name} must be an http(s) URL, got ${show(url)}`);
  }
  return parsed.href;
}

export function checkUploadUrl(url: unknown): string {
  if (typeof url !== 'string' || url === '') {
    throw new TypeError(`uploadUrl must be a non-empty string, got ${show(url)}`);
  }
  return checkEndpoint(url);
}

/** The partial uploads' URLs of `createFinalUpload`, checked. */
export function checkPartialUrls(urls: unknown): string[] {
  if (!Array.isArray(urls) || urls.length === 0) {
    throw new TypeError(`urls must be a non-empty array of partial upload URLs, got ${show(urls)}`);
  }
  return urls.map((url: unknown) => checkUploadUrl(url));
}
export function checkCallOptions(where: string, options: unknown, keys: object): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where} takes an options object, got ${show(options)}`);
  }
  rejectUnknownKeys(where, options, keys);
}

export function checkStopAt(stopAt: unknown): void {
  if (typeof stopAt !== 'number' || Number.isNaN(stopAt)) {
    throw new TypeError(`stopAt must be a number, got ${show(stopAt)}`);
  }
  if (!Number.isSafeInteger(stopAt) || stopAt < 0) {
    throw new RangeError(`stopAt must be a non-negative integer, got ${show(stopAt)}`);
  }
}

export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== 'object' || signal === null || !('aborted' in signal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${show(signal)}`);
  }
  return signal as AbortSignal;
}

/** The input fields of a call's options, checked (`node`: whether a `filePath` may be given). */
export function checkedInput(options: InputOptions, node: boolean): InputOptions {
  const input: InputOptions = {
    filePath: options.filePath,
    input: options.input,
    uploadSize: options.uploadSize,
  };
  checkInputOptions(input, node);
  return input;
}

/** The encoded `Upload-Metadata` of `metadata` (checked: an object of strings). */
export function metadataHeaderOf(
  metadata: unknown = {},
  encoding: MetadataEncoding,
): string | undefined {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new TypeError(`metadata must be an object of strings, got ${show(metadata)}`);
  }
  return encodeMetadata(metadata as Record<string, string>, encoding);
}
