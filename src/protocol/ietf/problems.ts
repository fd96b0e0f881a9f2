/**
 * Problem documents (RFC 9457, `application/problem+json`) of the draft: a wrong
 * `Upload-Offset` (`mismatching-upload-offset`, with `expected-offset` and
 * `provided-offset`), an append to a completed upload (`completed-upload`, interop 6 to 8)
 * and length values that disagree (`inconsistent-upload-length`, interop 7 and 8). Pure.
 */

export const PROBLEM_JSON = 'application/problem+json';

const BASE = 'https://iana.org/assignments/http-problem-types#';

export const PROBLEM_TYPES = {
  mismatchingOffset: `${BASE}mismatching-upload-offset`,
  completedUpload: `${BASE}completed-upload`,
  inconsistentLength: `${BASE}inconsistent-upload-length`,
} as const;
export type ProblemKind = keyof typeof PROBLEM_TYPES;

const TITLES: Readonly<Record<ProblemKind, string>> = {
  mismatchingOffset: 'offset from request does not match offset of resource',
  completedUpload: 'upload is already completed',
  inconsistentLength: 'inconsistent length values for upload',
};

export interface Problem {
  readonly type: string;
  readonly title?: string | undefined;
  readonly detail?: string | undefined;
  /** `mismatching-upload-offset`: the offset the upload resource has. */
  readonly expectedOffset?: number | undefined;
  /** `mismatching-upload-offset`: the offset the request named. */
  readonly providedOffset?: number | undefined;
}

/** The JSON text of a problem document of `kind` (`detail` is for people). */
export function formatProblem(
  kind: ProblemKind,
  detail: string,
  offsets?: { expected: number; provided: number },
): string {
  const document: Record<string, string | number> = {
    type: PROBLEM_TYPES[kind],
    title: TITLES[kind],
    detail,
  };
  if (offsets !== undefined) {
    document['expected-offset'] = offsets.expected;
    document['provided-offset'] = offsets.provided;
  }
  return JSON.stringify(document);
}

/** The problem document in a response body, `undefined` when it is not one. */
export function parseProblem(contentType: string | undefined, body: string): Problem | undefined {
  if (contentType?.split(';')[0]?.trim().toLowerCase() !== PROBLEM_JSON) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === 'string' ? record[key] : undefined);
  const offset = (key: string) => {
    const n = record[key];
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  };
  return {
    type: text('type') ?? 'about:blank',
    title: text('title'),
    detail: text('detail'),
    expectedOffset: offset('expected-offset'),
    providedOffset: offset('provided-offset'),
  };
}
