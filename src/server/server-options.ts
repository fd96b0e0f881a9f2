/**
 * Options of our tus server (`createTusServer`): types, defaults and validation in one
 * place. The whole `server/` folder is Node-only (node:http, node:fs).
 */
import { show } from '../options.js';
import type { StoredUpload } from './upload-record.js';

export interface TusServerOptions {
  /** Folder holding one data file and one `.json` info file per upload (created if missing). */
  directory: string;
  /** URL path uploads are created under. @default '/files' */
  path?: string | undefined;
  /** Largest upload in bytes (`Tus-Max-Size`); larger is 413. @default Infinity (no limit) */
  maxSize?: number | undefined;
  /** Largest body of one PATCH (or creation-with-upload POST); larger is 413. @default Infinity */
  maxChunkSize?: number | undefined;
  /** Largest `Upload-Metadata` header in bytes; larger is 400. @default 4096 */
  maxMetadataSize?: number | undefined;
  /**
   * Ms after its creation (and after every PATCH) that an unfinished upload expires: it then
   * answers 410 and the cleanup removes it. `Infinity` = never. @default 86_400_000 (24 h)
   */
  expireAfterMs?: number | undefined;
  /** Ms between two automatic cleanups of expired uploads; `Infinity` = none. @default 3_600_000 */
  cleanupIntervalMs?: number | undefined;
  /** fsync each PATCH's bytes before its new offset is recorded. @default true */
  fsync?: boolean | undefined;
  /**
   * Origins a browser may upload from (CORS): `'*'` for any, or a list of exact origins.
   * @default '*'
   */
  allowedOrigins?: '*' | readonly string[] | undefined;
  /**
   * Answer `Access-Control-Allow-Credentials: true` (CORS), so that pages of the
   * `allowedOrigins` may send their cookies (a client with `credentials: 'include'`). Needs
   * a list of origins: with `'*'` any site could upload with a visitor's cookies.
   * @default false
   */
  allowCredentials?: boolean | undefined;
  /** Called once an upload is created, before the answer; a `TusServerRequestError` thrown here is the answer. */
  onUploadCreate?: ((upload: StoredUpload) => void | Promise<void>) | undefined;
  /** Called once an upload holds all its bytes (a final concatenation included). */
  onUploadFinish?: ((upload: StoredUpload) => void | Promise<void>) | undefined;
  /** Told about unexpected failures (disk errors, hook errors); they are answered 500. @default none */
  onError?: ((error: unknown) => void) | undefined;
  /** Ms that `close()` lets requests in flight finish before cutting them. @default 5000 */
  closeTimeoutMs?: number | undefined;
}

export interface ResolvedServerOptions {
  directory: string;
  path: string;
  maxSize: number;
  maxChunkSize: number;
  maxMetadataSize: number;
  expireAfterMs: number;
  cleanupIntervalMs: number;
  fsync: boolean;
  allowedOrigins: '*' | readonly string[];
  allowCredentials: boolean;
  onUploadCreate: TusServerOptions['onUploadCreate'];
  onUploadFinish: TusServerOptions['onUploadFinish'];
  onError: TusServerOptions['onError'];
  closeTimeoutMs: number;
}

export const SERVER_DEFAULTS = {
  path: '/files',
  maxSize: Number.POSITIVE_INFINITY,
  maxChunkSize: Number.POSITIVE_INFINITY,
  maxMetadataSize: 4096,
  expireAfterMs: 86_400_000,
  cleanupIntervalMs: 3_600_000,
  fsync: true,
  allowedOrigins: '*',
  allowCredentials: false,
  closeTimeoutMs: 5000,
} as const;

/** Every key of `TusServerOptions`; the compiler keeps it complete. */
const KEYS: { readonly [K in keyof TusServerOptions]-?: true } = {
  directory: true,
  path: true,
  maxSize: true,
  maxChunkSize: true,
  maxMetadataSize: true,
  expireAfterMs: true,
  cleanupIntervalMs: true,
  fsync: true,
  allowedOrigins: true,
  allowCredentials: true,
  onUploadCreate: true,
  onUploadFinish: true,
  onError: true,
  closeTimeoutMs: true,
};

/** An integer >= `min`, or `Infinity` (no limit); `fallback` when absent. */
function amount(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`server option ${name} must be a number, got ${show(value)}`);
  }
  if (value !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(value) || value < min)) {
    throw new RangeError(
      `server option ${name} must be an integer >= ${min} or Infinity, got ${show(value)}`,
    );
  }
  return value;
}

function hook<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`server option ${name} must be a function, got ${show(value)}`);
  }
  return value;
}

function checkPath(value: unknown): string {
  if (value === undefined) return SERVER_DEFAULTS.path;
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(value)) {
    throw new TypeError(
      `server option path must be a URL path such as '/files', got ${show(value)}`,
    );
  }
  const trimmed = value.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function checkOrigins(value: unknown): '*' | readonly string[] {
  if (value === undefined || value === '*') return '*';
  if (Array.isArray(value) && value.every((origin) => typeof origin === 'string')) {
    return [...(value as string[])];
  }
  throw new TypeError(
    `server option allowedOrigins must be '*' or a list of origins, got ${show(value)}`,
  );
}

function checkCredentials(value: unknown, origins: unknown): boolean {
  if (value === undefined) return SERVER_DEFAULTS.allowCredentials;
  if (typeof value !== 'boolean') {
    throw new TypeError(`server option allowCredentials must be a boolean, got ${show(value)}`);
  }
  if (value && !Array.isArray(origins)) {
    throw new RangeError(
      "server option allowCredentials needs allowedOrigins to list the origins (with '*' any site could upload with a visitor's cookies)",
    );
  }
  return value;
}

/** Applies defaults and checks every option: a wrong type is a TypeError, a wrong range a RangeError. */
export function resolveServerOptions(options: TusServerOptions): ResolvedServerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`createTusServer takes an options object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(KEYS, key)) {
      throw new TypeError(
        `unknown server option ${JSON.stringify(key)}; known: ${Object.keys(KEYS).join(', ')}`,
      );
    }
  }
  if (typeof options.directory !== 'string' || options.directory === '') {
    throw new TypeError(
      `server option directory must be a folder path, got ${show(options.directory)}`,
    );
  }
  if (options.fsync !== undefined && typeof options.fsync !== 'boolean') {
    throw new TypeError(`server option fsync must be a boolean, got ${show(options.fsync)}`);
  }
  return {
    directory: options.directory,
    path: checkPath(options.path),
    maxSize: amount('maxSize', options.maxSize, SERVER_DEFAULTS.maxSize, 0),
    maxChunkSize: amount('maxChunkSize', options.maxChunkSize, SERVER_DEFAULTS.maxChunkSize, 1),
    maxMetadataSize: amount(
      'maxMetadataSize',
      options.maxMetadataSize,
      SERVER_DEFAULTS.maxMetadataSize,
      0,
    ),
    expireAfterMs: amount('expireAfterMs', options.expireAfterMs, SERVER_DEFAULTS.expireAfterMs, 1),
    cleanupIntervalMs: amount(
      'cleanupIntervalMs',
      options.cleanupIntervalMs,
      SERVER_DEFAULTS.cleanupIntervalMs,
      1,
    ),
    fsync: options.fsync ?? SERVER_DEFAULTS.fsync,
    allowedOrigins: checkOrigins(options.allowedOrigins),
    allowCredentials: checkCredentials(options.allowCredentials, options.allowedOrigins),
    onUploadCreate: hook('onUploadCreate', options.onUploadCreate),
    onUploadFinish: hook('onUploadFinish', options.onUploadFinish),
    onError: hook('onError', options.onError),
    closeTimeoutMs: amount(
      'closeTimeoutMs',
      options.closeTimeoutMs,
      SERVER_DEFAULTS.closeTimeoutMs,
      0,
    ),
  };
}
