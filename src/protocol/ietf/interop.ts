/**
 * The interop versions of draft-ietf-httpbis-resumable-upload this package speaks, and what
 * differs between them on the wire, as data: the server's handlers and the client's
 * protocol modules read these rules instead of comparing version numbers. Pure.
 *
 * | interop | drafts       | notable                                                        |
 * | ------- | ------------ | -------------------------------------------------------------- |
 * | 5       | -03          | appends carry no media type; 201 with Upload-Offset; no limits |
 * | 6       | -04, -05     | `application/partial-upload`; Upload-Length; Upload-Limit with `expires`; problem types |
 * | 7       | -06 .. -08   | `max-age` replaces `expires`; appends answer 204 + Upload-Complete |
 * | 8       | -09 .. -11   | Upload-Limit required in 104, creation and HEAD answers        |
 * | 9       | -12          | Upload-Complete of an answer: `?1` = the targeted resource's answer, even an error; no `completed-upload` problem type |
 */

import type { ProblemKind } from './problems.js';

export const INTEROP_VERSIONS = [5, 6, 7, 8, 9] as const;
export type InteropVersion = (typeof INTEROP_VERSIONS)[number];

/** Request and 104 header naming the interop version (an Integer). */
export const INTEROP_HEADER = 'Upload-Draft-Interop-Version';
/**
 * OPTIONS answer header of our server (not the draft's): a List of the interop versions it
 * speaks, newest first, read by `protocol: 'auto'`.
 */
export const INTEROP_VERSIONS_HEADER = 'Upload-Draft-Interop-Versions';
/** Media type of an append's body, from interop 6 on. */
export const PARTIAL_UPLOAD = 'application/partial-upload';
/** Status code of the interim response announcing the upload resource. */
export const STATUS_UPLOAD_RESUMPTION_SUPPORTED = 104;

export interface InteropRules {
  readonly version: InteropVersion;
  /** The draft revisions that use this version, for messages and docs. */
  readonly drafts: string;
  /** Media type an append must carry; `undefined` when the version names none. */
  readonly appendContentType: typeof PARTIAL_UPLOAD | undefined;
  /** Whether an append must carry `Upload-Complete` (else its absence means `?0`). */
  readonly appendNeedsComplete: boolean;
  /** Status of an append that leaves the upload incomplete. */
  readonly appendStatus: 201 | 204;
  /** Status of an append that completes the upload. */
  readonly completionStatus: 200 | 201;
  /** Whether `Upload-Length` is a header of this version (else only `?1` + Content-Length). */
  readonly uploadLengthHeader: boolean;
  /**
   * The Upload-Limit key of the remaining lifetime; `undefined`: the version has no
   * Upload-Limit at all. Where it has one, our server sends it in the 104, the creation's
   * answer, HEAD, OPTIONS and a 413 (interop 8 requires the first three, 6 and 7 allow them).
   */
  readonly lifetimeKey: 'expires' | 'max-age' | undefined;
  /** The problem types (RFC 9457) the version defines; errors of other kinds are text. */
  readonly problemTypes: readonly ProblemKind[];
  /** Request headers a HEAD or DELETE must not carry (400 when they do). */
  readonly forbiddenOnHeadAndDelete: readonly string[];
  /** Whether an append past the known length deactivates the upload resource. */
  readonly overLengthDeactivates: boolean;
  /**
   * Whether `Upload-Complete: ?1` on a creation's or append's answer of any status says the
   * upload is over (interop 9: the answer is the targeted resource's, an error included, and
   * resuming cannot change it); else it only describes a successful answer.
   */
  readonly completeAnswerIsFinal: boolean;
}

const INTEROP_7 = {
  version: 7,
  drafts: '-06 to -08',
  appendContentType: PARTIAL_UPLOAD,
  appendNeedsComplete: true,
  appendStatus: 204,
  completionStatus: 200,
  uploadLengthHeader: true,
  lifetimeKey: 'max-age',
  problemTypes: ['mismatchingOffset', 'completedUpload', 'inconsistentLength'],
  forbiddenOnHeadAndDelete: [],
  overLengthDeactivates: true,
  completeAnswerIsFinal: false,
} as const satisfies InteropRules;

const RULES: { readonly [V in InteropVersion]: InteropRules & { readonly version: V } } = {
  5: {
    version: 5,
    drafts: '-03',
    appendContentType: undefined,
    appendNeedsComplete: false,
    appendStatus: 201,
    completionStatus: 201,
    uploadLengthHeader: false,
    lifetimeKey: undefined,
    problemTypes: [],
    forbiddenOnHeadAndDelete: ['Upload-Offset', 'Upload-Complete'],
    overLengthDeactivates: false,
    completeAnswerIsFinal: false,
  },
  6: {
    version: 6,
    drafts: '-04, -05',
    appendContentType: PARTIAL_UPLOAD,
    appendNeedsComplete: false,
    appendStatus: 201,
    completionStatus: 201,
    uploadLengthHeader: true,
    lifetimeKey: 'expires',
    problemTypes: ['mismatchingOffset', 'completedUpload'],
    forbiddenOnHeadAndDelete: ['Upload-Offset', 'Upload-Complete', 'Upload-Length'],
    overLengthDeactivates: false,
    completeAnswerIsFinal: false,
  },
  7: INTEROP_7,
  // What 8 made required (Upload-Limit in the 104, the creation's answer and HEAD) this
  // server sends from 6 on, so on the wire 8 differs from 7 only in its number.
  8: { ...INTEROP_7, version: 8, drafts: '-09 to -11' },
  // -12 drops the `completed-upload` problem type (a late append to a complete upload is
  // refused as text with `Upload-Complete: ?0`, a lost completion answered again), and makes
  // an answer's `Upload-Complete: ?1` final whatever its status. What else -12 changed this
  // server did from 8 on already (Upload-Complete on every creation, append and refusal; GET
  // like HEAD; OPTIONS with Upload-Limit, `min-size=0` when none; the append limits on a
  // creation's body but not on an empty one; a lifetime that ends at one fixed time).
  9: {
    ...INTEROP_7,
    version: 9,
    drafts: '-12',
    problemTypes: ['mismatchingOffset', 'inconsistentLength'],
    completeAnswerIsFinal: true,
  },
};

export function isInteropVersion(value: unknown): value is InteropVersion {
  return (INTEROP_VERSIONS as readonly unknown[]).includes(value);
}

export function interopRules(version: InteropVersion): InteropRules {
  return RULES[version];
}

/** The client's `protocol` values of the draft, and the interop version each sends. */
export type DraftProtocol = 'ietf-draft-03' | 'ietf-draft-05' | 'ietf-draft-11' | 'ietf-draft-12';
export const DRAFT_PROTOCOLS: { readonly [P in DraftProtocol]: InteropVersion } = {
  'ietf-draft-03': 5,
  'ietf-draft-05': 6,
  'ietf-draft-11': 8,
  'ietf-draft-12': 9,
};

/** The `protocol` value of each interop version a client can send, for `protocol: 'auto'`. */
export function draftProtocolOf(version: InteropVersion): DraftProtocol | undefined {
  const entry = Object.entries(DRAFT_PROTOCOLS).find(([, v]) => v === version);
  return entry?.[0] as DraftProtocol | undefined;
}

export function isDraftProtocol(value: unknown): value is DraftProtocol {
  return typeof value === 'string' && Object.hasOwn(DRAFT_PROTOCOLS, value);
}
