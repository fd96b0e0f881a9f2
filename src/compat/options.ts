/**
 * The options of the tus-js-client face: the defaults every platform shares, the default
 * retry rule, the checks made when an `Upload` is built, and the mapping onto the options
 * of our `TusClient`. Options tus-js-client does not know are ignored, as it ignores them
 * (Uppy passes its own plugin options through).
 */
import { checkCredentialOrigins, checkHeaderNames } from '../option-checks.js';
import type { TusClientOptions } from '../options.js';
import { PROTOCOL_NAMES, type ProtocolName } from '../protocol/protocol-names.js';
import type { DetailedError } from './detailed-error.js';
import type { HttpStack, UploadOptions } from './types.js';

/** tus-js-client's retry rule: not after a 4xx other than 409 and 423, nor while offline. */
export function defaultOnShouldRetry(error: DetailedError): boolean {
  const status = error.originalResponse?.getStatus() ?? 0;
  const clientError = status >= 400 && status < 500;
  const online = typeof navigator === 'undefined' || navigator.onLine !== false;
  return (!clientError || status === 409 || status === 423) && online;
}

/** The defaults of every platform (each entry adds its httpStack, fileReader, urlStorage, fingerprint). */
export const COMMON_DEFAULTS = {
  endpoint: null,
  uploadUrl: null,
  metadata: {},
  metadataForPartialUploads: {},
  uploadSize: null,
  onProgress: null,
  onChunkComplete: null,
  onSuccess: null,
  onError: null,
  onUploadUrlAvailable: null,
  overridePatchMethod: false,
  headers: {},
  addRequestId: false,
  onBeforeRequest: null,
  onAfterResponse: null,
  onShouldRetry: defaultOnShouldRetry,
  chunkSize: Number.POSITIVE_INFINITY,
  retryDelays: [0, 1000, 3000, 5000],
  parallelUploads: 1,
  parallelUploadBoundaries: null,
  storeFingerprintForResuming: true,
  removeFingerprintOnSuccess: false,
  uploadLengthDeferred: false,
  uploadDataDuringCreation: false,
  protocol: 'tus-v1',
} satisfies UploadOptions;

/**
 * Whether `value` is a `protocol` our core speaks: tus-js-client's `'tus-v1'`,
 * `'ietf-draft-03'` and `'ietf-draft-05'`, and our `'ietf-draft-11'` and `'ietf-draft-12'`.
 */
function isProtocolName(value: unknown): value is ProtocolName {
  return (PROTOCOL_NAMES as readonly unknown[]).includes(value);
}

const FUNCTIONS = [
  'fingerprint',
  'onProgress',
  'onChunkComplete',
  'onSuccess',
  'onError',
  'onShouldRetry',
  'onUploadUrlAvailable',
  'onBeforeRequest',
  'onAfterResponse',
] as const satisfies readonly (keyof UploadOptions)[];

/**
 * The checks made when an `Upload` is built: what this adapter refuses, and callbacks
 * that are not functions. `defaults` holds the platform's own `httpStack` and `fileReader`,
 * the only ones accepted. The rest is checked by `TusClient` when the upload starts.
 */
export function checkUploadOptions(
  options: UploadOptions,
  defaults: Pick<UploadOptions, 'httpStack' | 'fileReader'>,
): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('tus: the options of an Upload must be an object');
  }
  if (options.httpStack != null && options.httpStack !== defaults.httpStack) {
    throw new TypeError(
      `tus: httpStack ${describeStack(options.httpStack)} is refused: resumable-upload sends every request with its own transport (keep-alive, stall detection); see them with onBeforeRequest and onAfterResponse`,
    );
  }
  if (options.fileReader != null && options.fileReader !== defaults.fileReader) {
    throw new TypeError(
      'tus: fileReader is refused: resumable-upload reads the input itself (a Blob, bytes, a stream or a reader)',
    );
  }
  const protocol = options.protocol;
  if (protocol !== undefined && !isProtocolName(protocol)) {
    throw new TypeError(
      `tus: protocol ${JSON.stringify(protocol)} is not supported: it is one of ${PROTOCOL_NAMES.map((name) => `'${name}'`).join(', ')}`,
    );
  }
  for (const name of FUNCTIONS) {
    const value = options[name];
    if (value != null && typeof value !== 'function') {
      throw new TypeError(`tus: the ${name} option must be a function, got ${typeof value}`);
    }
  }
  for (const check of [
    () => checkCredentialOrigins(options.sendCredentialsTo),
    () => checkHeaderNames('sensitiveHeaders', options.sensitiveHeaders),
  ]) {
    try {
      check();
    } catch (error) {
      throw new TypeError(`tus: ${(error as Error).message}`);
    }
  }
  const delays = options.retryDelays;
  if (delays != null && (!Array.isArray(delays) || delays.some((d) => !(Number(d) >= 0)))) {
    throw new TypeError(
      'tus: the `retryDelays` option must either be an array of non-negative numbers or null',
    );
  }
}

/** The hooks a run plugs into `TusClient`. */
export type ClientHooks = Required<
  Pick<TusClientOptions, 'beforeRequest' | 'afterResponse' | 'onShouldRetry'>
>;

/**
 * `TusClient` options for `options`. Retries: one per entry of `retryDelays`, each waited
 * for in `onShouldRetry` (so the core's own backoff is 0). `chunkSize: Infinity` (the
 * default of tus-js-client and of Uppy) leaves our default chunk size; `stallTimeout`
 * becomes our `timeout`.
 */
export function toClientOptions(options: UploadOptions, hooks: ClientHooks): TusClientOptions {
  const chunkSize = Number(options.chunkSize);
  return {
    ...(Number.isFinite(chunkSize) ? { chunkSize } : {}),
    checksum: options.checksum,
    timeout: options.stallTimeout,
    headers: stringValues(options.headers),
    maxRetries: options.retryDelays?.length ?? 0,
    retryDelay: 0,
    uploadDataDuringCreation: options.uploadDataDuringCreation === true,
    addRequestId: options.addRequestId === true,
    overridePatchMethod: options.overridePatchMethod === true,
    ...(isProtocolName(options.protocol) ? { protocol: options.protocol } : {}),
    ...(options.sendCredentialsTo == null ? {} : { sendCredentialsTo: options.sendCredentialsTo }),
    ...(options.sensitiveHeaders == null ? {} : { sensitiveHeaders: options.sensitiveHeaders }),
    ...hooks,
  };
}

/** `metadata` or `headers` with every value made a string, as tus-js-client sends them. */
export function stringValues(
  record: { [key: string]: unknown } | null | undefined,
): Record<string, string> {
  if (record == null) return {};
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, String(value)]));
}

function describeStack(stack: HttpStack): string {
  try {
    return JSON.stringify(stack.getName());
  } catch {
    return '(a custom one)';
  }
}
