/**
 * Error classes of resumable-upload. Every error the library throws on purpose is a
 * `TusError` with a stable `code`; messages are for people, fields are for code.
 *
 * `instanceof` works across two copies of the package: each instance carries the list
 * of kinds it belongs to under a `Symbol.for` key, and every class checks that list.
 *
 * No error shows a secret: the message, `url`, `responseHeaders` and `responseBody` are
 * redacted here (user names and passwords in URLs, signing and token parameters,
 * credential headers), whatever the thrower passed. The full upload URL of
 * `TusUploadFailed` and `TusAbortError` stays readable as `uploadUrl` (to resume with),
 * but is not enumerable, so `util.inspect`, `console.log` and `JSON.stringify` leave it out.
 */
import { redactHeaders, redactText } from './redact.js';

const KINDS: unique symbol = Symbol.for('resumable-upload.error-kinds') as never;

/** What is known about the request and response that led to an error. */
export interface TusErrorDetails {
  /** HTTP method of the request, e.g. `PATCH`. */
  method?: string | undefined;
  /** URL of the request. */
  url?: string | undefined;
  /** HTTP status of the response, when one arrived. */
  status?: number | undefined;
  /** Response headers (lower-case names), when a response arrived. */
  responseHeaders?: Readonly<Record<string, string>> | undefined;
  /** Response body (text, truncated), when a response arrived. */
  responseBody?: string | undefined;
  /** The error that caused this one. */
  cause?: unknown;
}

export type TusErrorCode =
  | 'TUS_ERR'
  | 'TUS_ERR_COMMUNICATION'
  | 'TUS_ERR_NETWORK'
  | 'TUS_ERR_TIMEOUT'
  | 'TUS_ERR_STALLED'
  | 'TUS_ERR_CHECKSUM_MISMATCH'
  | 'TUS_ERR_PROTOCOL'
  | 'TUS_ERR_UPLOAD_FAILED'
  | 'TUS_ERR_ABORTED'
  | 'TUS_ERR_CHECKSUM_UNSUPPORTED'
  | 'TUS_ERR_EXTENSION_UNSUPPORTED'
  | 'TUS_ERR_INPUT'
  | 'TUS_ERR_STORAGE'
  | 'TUS_ERR_UNSAFE_FILE'
  | 'TUS_ERR_SERVER_REQUEST'
  | 'TUS_ERR_REDIRECT'
  | 'TUS_ERR_UNSAFE_URL'
  | 'TUS_ERR_TLS'
  | 'TUS_ERR_PROXY'
  | 'TUS_ERR_STORE'
  | 'TUS_ERR_LOCK'
  | 'TUS_ERR_UPLOAD_LIMIT';

function hasKind(value: unknown, kind: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const kinds = (value as { [KINDS]?: unknown })[KINDS];
  return Array.isArray(kinds) && kinds.includes(kind);
}

/** Base class of every error resumable-upload throws on purpose. */
export class TusError extends Error {
  /** Stable identity of the class, used by `instanceof` across package copies. */
  static readonly kind: string = 'TusError';

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `instanceof` was asked about.
    return hasKind(value, (this as unknown as { kind: string }).kind);
  }

  /** Stable machine-readable code: messages may change, codes do not. */
  readonly code: TusErrorCode;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly responseHeaders: Readonly<Record<string, string>> | undefined;
  readonly responseBody: string | undefined;
  declare readonly [KINDS]: readonly string[];

  constructor(message: string, details: TusErrorDetails = {}, code: TusErrorCode = 'TUS_ERR') {
    super(
      redactText(message),
      details.cause === undefined ? undefined : { cause: scrubbed(details.cause) },
    );
    this.code = code;
    this.method = details.method;
    this.url = details.url === undefined ? undefined : redactText(details.url);
    this.status = details.status;
    this.responseHeaders =
      details.responseHeaders === undefined ? undefined : redactHeaders(details.responseHeaders);
    this.responseBody =
      details.responseBody === undefined ? undefined : redactText(details.responseBody);
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; ) {
      const kind = (c as { kind?: unknown }).kind;
      if (typeof kind === 'string') kinds.push(kind);
      c = Object.getPrototypeOf(c);
    }
    Object.defineProperty(this, KINDS, { value: Object.freeze(kinds), enumerable: false });
    Object.defineProperty(this, 'name', { value: kinds[0] ?? 'TusError', enumerable: false });
  }
}

/** The server answered with a status the client did not expect (or no answer came). */
export class TusCommunicationError extends TusError {
  static override readonly kind: string = 'TusCommunicationError';
  constructor(
    message: string,
    details: TusErrorDetails = {},
    code: TusErrorCode = 'TUS_ERR_COMMUNICATION',
  ) {
    super(message, details, code);
  }
}

/** The request failed below HTTP: refused, reset, DNS, TLS. Retried by default. */
export class TusNetworkError extends TusCommunicationError {
  static override readonly kind: string = 'TusNetworkError';
  constructor(
    message: string,
    details: TusErrorDetails = {},
    code: TusErrorCode = 'TUS_ERR_NETWORK',
  ) {
    super(message, details, code);
  }
}

/** The request took longer than `timeout`. Retried by default. */
export class TusTimeoutError extends TusNetworkError {
  static override readonly kind: string = 'TusTimeoutError';
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;
  constructor(
    message: string,
    timeoutMs: number,
    details: TusErrorDetails = {},
    code: TusErrorCode = 'TUS_ERR_TIMEOUT',
  ) {
    super(message, details, code);
    this.timeoutMs = timeoutMs;
  }
}

/** No byte moved for `timeout` milliseconds while the request went out. Retried by default. */
export class TusStallError extends TusTimeoutError {
  static override readonly kind: string = 'TusStallError';
  constructor(message: string, timeoutMs: number, details: TusErrorDetails = {}) {
    super(message, timeoutMs, details, 'TUS_ERR_STALLED');
  }
}

/** The server answered 460: the chunk's checksum did not match what arrived. Retried. */
export class TusChecksumMismatchError extends TusCommunicationError {
  static override readonly kind: string = 'TusChecksumMismatchError';
  constructor(message: string, details: TusErrorDetails = {}) {
    super(message, details, 'TUS_ERR_CHECKSUM_MISMATCH');
  }
}

/** The server's answer breaks the tus protocol (a missing or malformed header...). */
export class TusProtocolError extends TusError {
  static override readonly kind: string = 'TusProtocolError';
  constructor(message: string, details: TusErrorDetails = {}) {
    super(message, details, 'TUS_ERR_PROTOCOL');
  }
}

/** The upload could not be completed (retries exhausted, or a retry refused). */
export class TusUploadFailed extends TusError {
  static override readonly kind: string = 'TusUploadFailed';
  /** How many bytes the server held when the upload gave up, when known. */
  readonly offset: number | undefined;
  /**
   * The upload URL, when one had been created: whole, to resume with, so not enumerable
   * (it may carry a token). Show `redactUrl(error.uploadUrl)` instead.
   */
  declare readonly uploadUrl: string | undefined;
  constructor(
    message: string,
    details: TusErrorDetails & { offset?: number | undefined; uploadUrl?: string | undefined } = {},
  ) {
    super(message, details, 'TUS_ERR_UPLOAD_FAILED');
    this.offset = details.offset;
    hideUploadUrl(this, details.uploadUrl);
  }
}

/** The caller aborted the upload through its `AbortSignal`. */
export class TusAbortError extends TusError {
  static override readonly kind: string = 'TusAbortError';
  /** Bytes the server held when the upload stopped. */
  readonly offset: number;
  /**
   * The upload URL, to resume with `resumeUpload`, when one had been created: whole, so
   * not enumerable (it may carry a token). Show `redactUrl(error.uploadUrl)` instead.
   */
  declare readonly uploadUrl: string | undefined;
  constructor(
    message: string,
    details: TusErrorDetails & { offset: number; uploadUrl?: string | undefined },
  ) {
    super(message, details, 'TUS_ERR_ABORTED');
    this.offset = details.offset;
    hideUploadUrl(this, details.uploadUrl);
  }
}

/** The chosen checksum algorithm is not offered by the server (or this platform). */
export class TusChecksumUnsupportedError extends TusError {
  static override readonly kind: string = 'TusChecksumUnsupportedError';
  /** The algorithm that was asked for. */
  readonly algorithm: string;
  /** The algorithms the server offers (empty when it has no checksum extension). */
  readonly offered: readonly string[];
  constructor(
    message: string,
    algorithm: string,
    offered: readonly string[],
    details: TusErrorDetails = {},
  ) {
    super(message, details, 'TUS_ERR_CHECKSUM_UNSUPPORTED');
    this.algorithm = algorithm;
    this.offered = offered;
  }
}

/** The server lacks a tus extension the operation needs (e.g. `concatenation`). */
export class TusExtensionUnsupportedError extends TusError {
  static override readonly kind: string = 'TusExtensionUnsupportedError';
  /** The extension that is missing. */
  readonly extension: string;
  /** The extensions the server advertises. */
  readonly offered: readonly string[];
  constructor(
    message: string,
    extension: string,
    offered: readonly string[],
    details: TusErrorDetails = {},
  ) {
    super(message, details, 'TUS_ERR_EXTENSION_UNSUPPORTED');
    this.extension = extension;
    this.offered = offered;
  }
}

/** The caller's input cannot be uploaded (missing file, a directory, bad metadata...). */
export class TusInputError extends TusError {
  static override readonly kind: string = 'TusInputError';
  constructor(message: string, details: TusErrorDetails = {}) {
    super(message, details, 'TUS_ERR_INPUT');
  }
}

/** The URL storage could not be read, locked or written (see `FileUrlStorage`). */
export class TusStorageError extends TusError {
  static override readonly kind: string = 'TusStorageError';
  /** The storage file involved, when there is one. */
  readonly path: string | undefined;
  constructor(
    message: string,
    details: TusErrorDetails & { path?: string | undefined } = {},
    code: TusErrorCode = 'TUS_ERR_STORAGE',
  ) {
    super(message, details, code);
    this.path = details.path;
  }
}

/**
 * A storage file (the URL store, the CLI's batch journal) that someone else may have put
 * there, refused rather than followed or believed: a symbolic link (`reason: 'symlink'`),
 * not a regular file (`'not-a-file'`), or owned by another user (`'owner'`). The message
 * names the file and what to do; `path` is the file.
 */
export class TusUnsafeFileError extends TusStorageError {
  static override readonly kind: string = 'TusUnsafeFileError';
  readonly reason: 'symlink' | 'not-a-file' | 'owner';
  constructor(
    message: string,
    reason: 'symlink' | 'not-a-file' | 'owner',
    details: TusErrorDetails & { path?: string | undefined } = {},
  ) {
    super(message, details, 'TUS_ERR_UNSAFE_FILE');
    this.reason = reason;
  }
}

/**
 * The server answered a tus request with a redirect (301, 302, 303, 307, 308), or the
 * browser reported one it would not show (`opaqueredirect`). Redirects are never followed:
 * the request would carry the file, and maybe credentials, to a place the caller did not
 * name. Point the client at the final URL instead. Not retried.
 */
export class TusRedirectError extends TusCommunicationError {
  static override readonly kind: string = 'TusRedirectError';
  /** Where the server pointed (redacted), when the platform shows it. */
  readonly location: string | undefined;
  constructor(message: string, details: TusErrorDetails & { location?: string | undefined } = {}) {
    super(message, details, 'TUS_ERR_REDIRECT');
    this.location = details.location === undefined ? undefined : redactText(details.location);
  }
}

/**
 * A URL the client will not send to: an `http:` URL for a client whose endpoint is
 * `https:` (a downgrade would send the file and credentials in plain text), or a server's
 * `Location` (or a stored URL) carrying a user name or password. Thrown before any byte
 * goes to that URL. Not retried.
 */
export class TusUnsafeUrlError extends TusError {
  static override readonly kind: string = 'TusUnsafeUrlError';
  /** Why the URL was refused. */
  readonly reason: 'downgrade' | 'userinfo';
  constructor(message: string, reason: 'downgrade' | 'userinfo', details: TusErrorDetails = {}) {
    super(message, details, 'TUS_ERR_UNSAFE_URL');
    this.reason = reason;
  }
}

/**
 * The TLS handshake failed on a certificate: the server's is not trusted (unknown or
 * private CA — give `ca`; self-signed; expired; another host's name), or the server asked
 * for a client certificate and refused the one sent or its absence (give `cert` and `key`).
 * Asking again cannot help: not retried. `cause` is the platform's error (its `code`, e.g.
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`).
 */
export class TusTlsError extends TusCommunicationError {
  static override readonly kind: string = 'TusTlsError';
  constructor(message: string, details: TusErrorDetails = {}) {
    super(message, details, 'TUS_ERR_TLS');
  }
}

/**
 * The HTTP proxy (the `proxy` option) refused to carry the request: its answer to
 * `CONNECT` was not 2xx (`status` is the proxy's: 407 when it wants other credentials, 403,
 * 502 when it could not reach the server), or its answer was not HTTP/1.x, had a head over
 * 16 KiB, or had bytes after a 2xx head (`status` undefined: not retried). The proxy's URL
 * in the message has no credentials. Retried like an answer of that status (502, 503, 504
 * are; 407 and 403 are not).
 */
export class TusProxyError extends TusCommunicationError {
  static override readonly kind: string = 'TusProxyError';
  constructor(message: string, details: TusErrorDetails = {}) {
    super(message, details, 'TUS_ERR_PROXY');
  }
}

/**
 * The server's stated body sizes for an upload (the draft's `Upload-Limit`) cannot be met
 * within the client's own bounds: a `min-append-size` above `maxChunkSize` (or a larger
 * fixed `chunkSize`) or above what the input may hold in memory, or a `max-append-size` so
 * small that the upload would take thousands of requests. Thrown before the append.
 */
export class TusUploadLimitError extends TusError {
  static override readonly kind: string = 'TusUploadLimitError';
  /** The server's `max-append-size`, when stated. */
  readonly maxAppendSize: number | undefined;
  /** The server's `min-append-size`, when stated. */
  readonly minAppendSize: number | undefined;
  /** The most bytes this client sends in one request (its bounds). */
  readonly clientMax: number;
  constructor(
    message: string,
    limits: {
      maxAppendSize: number | undefined;
      minAppendSize: number | undefined;
      clientMax: number;
    },
    details: TusErrorDetails = {},
  ) {
    super(message, details, 'TUS_ERR_UPLOAD_LIMIT');
    this.maxAppendSize = limits.maxAppendSize;
    this.minAppendSize = limits.minAppendSize;
    this.clientMax = limits.clientMax;
  }
}

/**
 * `cause`, with the secrets in the messages and stacks of its chain redacted in place: a
 * platform's error may quote the URL it was given (fetch: "Request cannot be constructed
 * from a URL that includes credentials: http://user:pw@…"). Our own errors are clean.
 */
function scrubbed(cause: unknown): unknown {
  let error = cause;
  for (let depth = 0; depth < 8 && error instanceof Error; depth++) {
    if (hasKind(error, 'TusError')) break;
    for (const key of ['message', 'stack'] as const) {
      const text = error[key];
      if (typeof text !== 'string') continue;
      const clean = redactText(text);
      if (clean === text) continue;
      try {
        error[key] = clean;
      } catch {
        // A read-only message (a DOMException's) cannot be helped.
      }
    }
    error = error.cause;
  }
  return cause;
}

/** Sets the full upload URL of an error as a read-only, non-enumerable property. */
function hideUploadUrl(error: TusError, uploadUrl: string | undefined): void {
  Object.defineProperty(error, 'uploadUrl', {
    value: uploadUrl,
    enumerable: false,
    writable: false,
    configurable: false,
  });
}

/** Type guard: any error of this library. */
export function isTusError(value: unknown): value is TusError {
  return value instanceof TusError;
}
