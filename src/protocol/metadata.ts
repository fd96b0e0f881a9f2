/**
 * `Upload-Metadata`: `key base64value,key2 base64value2`. Values are encoded in the
 * client's `metadataEncoding`, then base64. Pure: no Buffer, only btoa/atob and
 * TextEncoder/TextDecoder.
 */
import { type TusErrorDetails, TusInputError, TusProtocolError } from '../errors/index.js';

/** Encodings `metadataEncoding` accepts, by their canonical name. */
export type MetadataEncoding = 'utf-8' | 'latin1' | 'ascii' | 'utf-16le';

const ENCODING_ALIASES: Readonly<Record<string, MetadataEncoding>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  latin1: 'latin1',
  'iso-8859-1': 'latin1',
  iso88591: 'latin1',
  binary: 'latin1',
  ascii: 'ascii',
  'us-ascii': 'ascii',
  'utf-16le': 'utf-16le',
  utf16le: 'utf-16le',
};

/** Every name `metadataEncoding` accepts. */
export const METADATA_ENCODINGS: readonly string[] = Object.keys(ENCODING_ALIASES);

/** The canonical encoding for `name` (case-insensitive), `undefined` when unknown. */
export function normalizeEncoding(name: string): MetadataEncoding | undefined {
  return Object.hasOwn(ENCODING_ALIASES, name.toLowerCase())
    ? ENCODING_ALIASES[name.toLowerCase()]
    : undefined;
}

const KEY = /^[\x21-\x7e]+$/;

/** Checks one metadata key: non-empty printable ASCII without space or comma. */
export function checkMetadataKey(key: string): void {
  if (key === '') throw new TusInputError('metadata key must not be empty');
  if (!KEY.test(key) || key.includes(',')) {
    throw new TusInputError(
      `metadata key ${JSON.stringify(key)} must be printable ASCII without spaces or commas`,
    );
  }
}

/** Bytes of `value` in `encoding`; a character the encoding cannot hold is a `TusInputError`. */
export function encodeText(value: string, encoding: MetadataEncoding, key = ''): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(value);
  if (encoding === 'utf-16le') {
    const bytes = new Uint8Array(value.length * 2);
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      bytes[2 * i] = unit & 0xff;
      bytes[2 * i + 1] = unit >> 8;
    }
    return bytes;
  }
  const max = encoding === 'ascii' ? 0x7f : 0xff;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit > max) {
      throw new TusInputError(
        `metadata value of ${JSON.stringify(key)} has a character (U+${unit.toString(16).toUpperCase().padStart(4, '0')}) that ${encoding} cannot encode`,
      );
    }
    bytes[i] = unit;
  }
  return bytes;
}

/** `bytes` decoded from `encoding` (the inverse of `encodeText`). */
export function decodeText(bytes: Uint8Array, encoding: MetadataEncoding): string {
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  let out = '';
  if (encoding === 'utf-16le') {
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      out += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
    }
    return out;
  }
  for (const byte of bytes) out += String.fromCharCode(byte);
  return out;
}

/** Standard base64 of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes of a standard, padded base64 string; `undefined` when it is not one. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The `Upload-Metadata` value for `metadata`, `undefined` when it is empty. Keys are
 * checked first (a `TusInputError` before any request); values must be strings.
 */
export function encodeMetadata(
  metadata: Readonly<Record<string, unknown>>,
  encoding: MetadataEncoding = 'utf-8',
): string | undefined {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    checkMetadataKey(key);
    if (typeof value !== 'string') {
      throw new TusInputError(
        `metadata value of ${JSON.stringify(key)} must be a string, got ${typeof value}`,
      );
    }
    pairs.push(value === '' ? key : `${key} ${toBase64(encodeText(value, encoding, key))}`);
  }
  return pairs.length === 0 ? undefined : pairs.join(',');
}

/**
 * Parses an `Upload-Metadata` header. A malformed pair, a bad key, invalid base64 or a
 * repeated key is a `TusProtocolError`.
 */
export function decodeMetadata(
  header: string | undefined,
  encoding: MetadataEncoding = 'utf-8',
  details: TusErrorDetails = {},
): Record<string, string> {
  const result: Record<string, string> = {};
  if (header === undefined || header.trim() === '') return result;
  for (const rawPair of header.split(',')) {
    const pair = rawPair.trim();
    const parts = pair.split(' ');
    const key = parts[0] ?? '';
    const value = parts[1];
    if (parts.length > 2 || key === '' || !KEY.test(key)) {
      throw new TusProtocolError(`malformed Upload-Metadata pair ${JSON.stringify(pair)}`, details);
    }
    if (Object.hasOwn(result, key)) {
      throw new TusProtocolError(`Upload-Metadata repeats the key ${JSON.stringify(key)}`, details);
    }
    if (value === undefined) {
      setOwn(result, key, '');
      continue;
    }
    const bytes = fromBase64(value);
    if (bytes === undefined) {
      throw new TusProtocolError(
        `Upload-Metadata value of ${JSON.stringify(key)} is not base64`,
        details,
      );
    }
    setOwn(result, key, decodeText(bytes, encoding));
  }
  return result;
}

/** Defines an own property, so that a key such as `__proto__` is kept as data. */
function setOwn(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
