/** The pure tus protocol layer: headers built and parsed, no I/O. */
export {
  buildChecksumHeader,
  CHECKSUM_ALGORITHMS,
  isChecksumAlgorithm,
  parseChecksumHeader,
} from './checksum.js';
export { buildConcatFinal, buildConcatPartial, parseConcat, type UploadConcat } from './concat.js';
export {
  describeStatus,
  OFFSET_OCTET_STREAM,
  STATUS_CHECKSUM_MISMATCH,
  TUS_VERSION,
} from './constants.js';
export { parseIntegerHeader, parseOptionalIntegerHeader } from './integers.js';
export { displayUrl, resolveLocation } from './location.js';
export {
  checkMetadataKey,
  decodeMetadata,
  decodeText,
  encodeMetadata,
  encodeText,
  fromBase64,
  METADATA_ENCODINGS,
  type MetadataEncoding,
  normalizeEncoding,
  toBase64,
} from './metadata.js';
export { parseServerInfo, splitList } from './server-info.js';
