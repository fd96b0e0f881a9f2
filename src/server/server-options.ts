/**
 * Options of our tus server (`createTusServer`): types, defaults and validation in one
 * place (the single checks in server-option-checks.ts). The whole `server/` folder is
 * Node-only (node:http, node:fs).
 */
import { INTEROP_VERSIONS, type InteropVersion } from '../protocol/ietf/interop.js';
import { show } from '../show.js';
import {
  amount,
  checkDraftVersions,
  checkOrigins,
  checkPath,
  checkPublicUrl,
  count,
  flag,
  hook,
} from './server-option-checks.js';
import { nodeFileSystem, type StoreFileSystem } from './store-fs.node.js';
import type { StoredUpload } from './upload-record.js';

/** Where an error reported to `onError` happened. */
export interface ServerErrorContext {
  /** A request (`method` and `url` say which), the periodic cleanup, the start (recovery), or a hook. */
  during: 'request' | 'cleanup' | 'start' | 'hook';
  /** The request's method (after `X-HTTP-Method-Override`). */
  method?: string | undefined;
  /** The request's URL path. */
  url?: string | undefined;
}

/** What `createTusServer` / `new TusServer` take: only `directory` is required. */
export interface TusServerOptions {
  /** Folder holding one data file and one `.json` info file per upload (created if missing). */
  directory: string;
  /** URL path uploads are created under. @default '/files' */
  path?: string | undefined;
  /**
   * The URL clients reach the creation endpoint at, e.g. `'https://uploads.example/files'`
   * behind a TLS-terminating proxy. `Location` answers are built from it (never from `Host`),
   * and partial URLs of a final concatenation may name it.
   * @default undefined (Locations from `Host`, or from the proxy's headers with `trustProxy`)
   */
  publicUrl?: string | undefined;
  /**
   * Believe `Forwarded` (RFC 7239) and `X-Forwarded-Proto` / `X-Forwarded-Host` for the
   * scheme and host of `Location` answers (only when no `publicUrl` is set). Turn on only
   * behind a proxy that sets these headers itself. @default false
   */
  trustProxy?: boolean | undefined;
  /** Largest upload in bytes (`Tus-Max-Size`), a final concatenation's sum included; larger is 413. @default Infinity (no limit) */
  maxSize?: number | undefined;
  /** Largest body of one PATCH (or creation-with-upload POST); larger is 413. @default Infinity */
  maxChunkSize?: number | undefined;
  /** Largest `Upload-Metadata` header in bytes; larger is 400. @default 4096 */
  maxMetadataSize?: number | undefined;
  /** Most partial uploads one final concatenation may name; more is 400. @default 100 */
  maxConcatParts?: number | undefined;
  /**
   * Ms after its creation (and after every PATCH) that an unfinished upload expires: it then
   * answers 410 and the cleanup removes it. `Infinity` = never. @default 86_400_000 (24 h)
   */
  expireAfterMs?: number | undefined;
  /**
   * Ms after its completion that a complete upload expires (410, then removed by the
   * cleanup), so a long-running server does not keep every upload forever.
   * `Infinity` = never. @default Infinity
   */
  expireCompletedAfterMs?: number | undefined;
  /** Ms between two automatic cleanups of expired uploads; `Infinity` = none. @default 3_600_000 */
  cleanupIntervalMs?: number | undefined;
  /**
   * fsync each PATCH's bytes before its new offset is recorded, each info file before it
   * replaces the old one, and the folder after each creation, rename and removal, so that
   * what was answered survives a power loss. @default true
   */
  fsync?: boolean | undefined;
  /**
   * Origins a browser may upload from (CORS): a list of exact origins
   * (`['https://app.example']`), or `'*'` for any origin but the opaque `null` (list
   * `'null'` to allow that one). @default [] (no cross-origin access)
   */
  allowedOrigins?: '*' | readonly string[] | undefined;
  /** Most upload records kept in memory (least recently used go first). @default 1000 */
  recordCacheSize?: number | undefined;
  /**
   * Ms a request body may go without a byte before the server ends it, recording what
   * arrived (a client that vanished without closing its connection). @default 10_000
   */
  bodyIdleTimeoutMs?: number | undefined;
  /**
   * A request for an upload another request holds asks the older one to stop and waits
   * this many ms for it to record what it received and let go; then it is answered 423.
   * @default 5000
   */
  lockWaitMs?: number | undefined;
  /**
   * The file-system calls of the store (tests pass one that fails on demand).
   * @default node:fs/promises
   */
  fileSystem?: StoreFileSystem | undefined;
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
  /**
   * Told about unexpected failures: disk errors (a PATCH whose write failed is answered 500
   * and keeps only its bytes written before), hook errors, cleanup and start problems.
   * @default none
   */
  onError?: ((error: unknown, context: ServerErrorContext) => void) | undefined;
  /** Ms that `close()` lets requests in flight finish before cutting them. @default 5000 */
  closeTimeoutMs?: number | undefined;
  /**
   * The interop versions of the IETF draft this server speaks (a request naming another is
   * refused with 400, and OPTIONS lists only these); `[]` makes it a tus 1.0 server only.
   * @default [5, 6, 7, 8, 9]
   * @example { draftVersions: [9] }
   */
  draftVersions?: readonly InteropVersion[] | undefined;
}

/** `TusServerOptions` with every default filled in: what `TusServer.options` holds. */
export interface ResolvedServerOptions {
  directory: string;
  path: string;
  publicUrl: string | undefined;
  trustProxy: boolean;
  maxSize: number;
  maxChunkSize: number;
  maxMetadataSize: number;
  maxConcatParts: number;
  expireAfterMs: number;
  expireCompletedAfterMs: number;
  cleanupIntervalMs: number;
  fsync: boolean;
  allowedOrigins: '*' | readonly string[];
  recordCacheSize: number;
  bodyIdleTimeoutMs: number;
  lockWaitMs: number;
  fileSystem: StoreFileSystem;
  allowCredentials: boolean;
  onUploadCreate: TusServerOptions['onUploadCreate'];
  onUploadFinish: TusServerOptions['onUploadFinish'];
  onError: TusServerOptions['onError'];
  closeTimeoutMs: number;
  /** Newest first. */
  draftVersions: readonly InteropVersion[];
}

/** The default of each optional `TusServerOptions` value. */
export const SERVER_DEFAULTS = {
  path: '/files',
  trustProxy: false,
  maxSize: Number.POSITIVE_INFINITY,
  maxChunkSize: Number.POSITIVE_INFINITY,
  maxMetadataSize: 4096,
  maxConcatParts: 100,
  expireAfterMs: 86_400_000,
  expireCompletedAfterMs: Number.POSITIVE_INFINITY,
  cleanupIntervalMs: 3_600_000,
  fsync: true,
  allowedOrigins: [] as readonly string[],
  allowCredentials: false,
  recordCacheSize: 1000,
  bodyIdleTimeoutMs: 10_000,
  lockWaitMs: 5000,
  closeTimeoutMs: 5000,
} as const;

/** Every key of `TusServerOptions`; the compiler keeps it complete. */
const KEYS: { readonly [K in keyof TusServerOptions]-?: true } = {
  directory: true,
  path: true,
  publicUrl: true,
  trustProxy: true,
  maxSize: true,
  maxChunkSize: true,
  maxMetadataSize: true,
  maxConcatParts: true,
  expireAfterMs: true,
  expireCompletedAfterMs: true,
  cleanupIntervalMs: true,
  fsync: true,
  allowedOrigins: true,
  recordCacheSize: true,
  bodyIdleTimeoutMs: true,
  lockWaitMs: true,
  fileSystem: true,
  allowCredentials: true,
  onUploadCreate: true,
  onUploadFinish: true,
  onError: true,
  closeTimeoutMs: true,
  draftVersions: true,
};

function checkFileSystem(value: unknown): StoreFileSystem {
  if (value === undefined) return nodeFileSystem;
  const methods = ['open', 'readFile', 'rename', 'unlink', 'mkdir', 'readdir', 'stat'] as const;
  const object = value as Record<string, unknown> | null;
  if (
    typeof object !== 'object' ||
    object === null ||
    methods.some((m) => typeof object[m] !== 'function')
  ) {
    throw new TypeError(
      `server option fileSystem must have the methods ${methods.join(', ')}, got ${show(value)}`,
    );
  }
  return value as StoreFileSystem;
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
  const d = SERVER_DEFAULTS;
  return {
    directory: options.directory,
    path: checkPath(options.path, d.path),
    publicUrl: checkPublicUrl(options.publicUrl),
    trustProxy: flag('trustProxy', options.trustProxy, d.trustProxy),
    maxSize: amount('maxSize', options.maxSize, d.maxSize, 0),
    maxChunkSize: amount('maxChunkSize', options.maxChunkSize, d.maxChunkSize, 1),
    maxMetadataSize: amount('maxMetadataSize', options.maxMetadataSize, d.maxMetadataSize, 0),
    maxConcatParts: count('maxConcatParts', options.maxConcatParts, d.maxConcatParts, 1),
    expireAfterMs: amount('expireAfterMs', options.expireAfterMs, d.expireAfterMs, 1),
    expireCompletedAfterMs: amount(
      'expireCompletedAfterMs',
      options.expireCompletedAfterMs,
      d.expireCompletedAfterMs,
      1,
    ),
    cleanupIntervalMs: amount(
      'cleanupIntervalMs',
      options.cleanupIntervalMs,
      d.cleanupIntervalMs,
      1,
    ),
    fsync: flag('fsync', options.fsync, d.fsync),
    allowedOrigins: checkOrigins(options.allowedOrigins),
    recordCacheSize: count('recordCacheSize', options.recordCacheSize, d.recordCacheSize, 0),
    bodyIdleTimeoutMs: amount(
      'bodyIdleTimeoutMs',
      options.bodyIdleTimeoutMs,
      d.bodyIdleTimeoutMs,
      1,
    ),
    lockWaitMs: amount('lockWaitMs', options.lockWaitMs, d.lockWaitMs, 0),
    fileSystem: checkFileSystem(options.fileSystem),
    allowCredentials: checkCredentials(options.allowCredentials, options.allowedOrigins),
    onUploadCreate: hook('onUploadCreate', options.onUploadCreate),
    onUploadFinish: hook('onUploadFinish', options.onUploadFinish),
    onError: hook('onError', options.onError),
    closeTimeoutMs: amount('closeTimeoutMs', options.closeTimeoutMs, d.closeTimeoutMs, 0),
    draftVersions: checkDraftVersions(options.draftVersions, INTEROP_VERSIONS),
  };
}
