/** The pure layer of the IETF resumable-upload draft: its fields built and parsed, no I/O. */
export {
  type AppendMessage,
  appendHeaders,
  type CreationMessage,
  creationHeaders,
  interimLocation,
  readUploadState,
  type UploadState,
  versionHeaders,
} from './client-messages.js';
export {
  formatContentDisposition,
  parseDispositionFilename,
} from './content-disposition.js';
export {
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type Digests,
  digestAlgorithmOf,
  formatDigestField,
  formatWantDigest,
  isDigestAlgorithm,
  parseDigestField,
  parseWantDigest,
  sameDigest,
} from './digests.js';
export {
  DRAFT_PROTOCOLS,
  type DraftProtocol,
  draftProtocolOf,
  INTEROP_HEADER,
  INTEROP_VERSIONS,
  INTEROP_VERSIONS_HEADER,
  type InteropRules,
  type InteropVersion,
  interopRules,
  isDraftProtocol,
  isInteropVersion,
  PARTIAL_UPLOAD,
  STATUS_UPLOAD_RESUMPTION_SUPPORTED,
} from './interop.js';
export {
  formatProblem,
  PROBLEM_JSON,
  PROBLEM_TYPES,
  type Problem,
  type ProblemKind,
  parseProblem,
} from './problems.js';
export {
  type BareItem,
  type DictionaryMember,
  type InnerList,
  type Item,
  parseBooleanItem,
  parseDictionary,
  parseItem,
  parseNonNegativeIntegerItem,
  serializeBoolean,
  serializeByteSequence,
  serializeDictionary,
  serializeInteger,
} from './structured-fields.js';
export {
  formatUploadLimit,
  type LifetimeKey,
  parseUploadLimit,
  type UploadLimits,
} from './upload-limit.js';
