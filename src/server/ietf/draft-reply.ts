/**
 * What answers to draft requests share: `Upload-Limit` from the server's options, the
 * interop version echoed, and refusals that are problem documents where the version defines
 * one (RFC 9457), plain text otherwise. Pure: no I/O.
 */
import { INTEROP_HEADER, type InteropRules } from '../../protocol/ietf/interop.js';
import { formatProblem, PROBLEM_JSON, type ProblemKind } from '../../protocol/ietf/problems.js';
import { serializeBoolean } from '../../protocol/ietf/structured-fields.js';
import { formatUploadLimit, type UploadLimits } from '../../protocol/ietf/upload-limit.js';
import type { Reply } from '../server-context.js';
import type { ResolvedServerOptions } from '../server-options.js';
import { isComplete, type StoredUpload, TusServerRequestError } from '../upload-record.js';

/** The limits of this server; with `upload`, its remaining lifetime (else a new one's). */
export function serverLimits(
  options: ResolvedServerOptions,
  upload?: StoredUpload,
  now = Date.now(),
): UploadLimits {
  const lifetimeMs =
    upload === undefined
      ? options.expireAfterMs
      : upload.expiresAt === undefined || isComplete(upload)
        ? Number.POSITIVE_INFINITY
        : Math.max(0, upload.expiresAt - now);
  return {
    maxSize: options.maxSize,
    maxAppendSize: options.maxChunkSize,
    maxAge: Number.isFinite(lifetimeMs) ? Math.floor(lifetimeMs / 1000) : undefined,
  };
}

/** `Upload-Limit` for a version that has it, `{}` for one that has not. */
export function limitHeader(
  rules: InteropRules,
  options: ResolvedServerOptions,
  upload?: StoredUpload,
): Record<string, string> {
  if (rules.lifetimeKey === undefined) return {};
  return { 'Upload-Limit': formatUploadLimit(serverLimits(options, upload), rules.lifetimeKey) };
}

/** `Upload-Complete` and `Upload-Offset` of `upload`, as most answers carry them. */
export function stateHeaders(upload: StoredUpload): Record<string, string> {
  return {
    'Upload-Complete': serializeBoolean(isComplete(upload)),
    'Upload-Offset': String(upload.offset),
  };
}

/** A refusal that is a problem document of the draft where the request's version has it. */
export class TusServerProblem extends TusServerRequestError {
  static override readonly kind: string = 'TusServerProblem';
  readonly problem: ProblemKind;
  readonly offsets: { expected: number; provided: number } | undefined;
  constructor(
    status: number,
    problem: ProblemKind,
    message: string,
    headers: Readonly<Record<string, string>> = {},
    offsets?: { expected: number; provided: number },
  ) {
    super(status, message, headers);
    this.problem = problem;
    this.offsets = offsets;
  }
}

export function refuseProblem(
  status: number,
  problem: ProblemKind,
  message: string,
  headers?: Record<string, string>,
  offsets?: { expected: number; provided: number },
): never {
  throw new TusServerProblem(status, problem, message, headers, offsets);
}

/** `error` with `headers` added to those of its answer (same class, status and problem). */
export function withHeaders(
  error: TusServerRequestError,
  headers: Readonly<Record<string, string>>,
): TusServerRequestError {
  const merged = { ...error.headers, ...headers };
  if (error instanceof TusServerProblem) {
    return new TusServerProblem(error.status, error.problem, error.message, merged, error.offsets);
  }
  return new TusServerRequestError(error.status, error.message, merged, { cause: error.cause });
}

/**
 * The answer to a refused draft request: the interop version echoed, `Upload-Complete: ?0`
 * unless the refusal says otherwise (the draft's sign that the resumable-upload protocol,
 * not the uploaded representation, answers), a problem document where the version has one.
 */
export function refusalReply(error: TusServerRequestError, rules: InteropRules | undefined): Reply {
  const headers: Record<string, string> = { 'Upload-Complete': '?0', ...error.headers };
  if (rules !== undefined) headers[INTEROP_HEADER] = String(rules.version);
  if (
    error instanceof TusServerProblem &&
    rules !== undefined &&
    rules.problemTypes.includes(error.problem)
  ) {
    return {
      status: error.status,
      headers,
      body: formatProblem(error.problem, error.message, error.offsets),
      contentType: PROBLEM_JSON,
    };
  }
  return { status: error.status, headers, body: error.message };
}
