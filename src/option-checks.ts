/**
 * The checks of `TusClient`'s options (options.ts names them): a wrong type is a
 * `TypeError`, a wrong range a `RangeError`, each naming the option and what it got
 * (values of headers are never shown).
 */
import type { Fingerprinter } from './fingerprint/fingerprinter.js';
import { isFingerprinter } from './fingerprint/fingerprinter.js';
import { CHECKSUM_ALGORITHMS, isChecksumAlgorithm } from './protocol/checksum.js';
import { isDraftProtocol } from './protocol/ietf/interop.js';
import {
  METADATA_ENCODINGS,
  type MetadataEncoding,
  normalizeEncoding,
} from './protocol/metadata.js';
import { PROTOCOL_OPTIONS, type ProtocolOption } from './protocol/protocol-names.js';
import { show } from './show.js';
import { isUrlStorage, type UrlStorage } from './storage/url-storage.js';
import type { ChecksumAlgorithm, CredentialOrigins, RequestCredentialsMode } from './types.js';

export function checkCredentialsMode(value: unknown): RequestCredentialsMode | undefined {
  if (value === undefined) return undefined;
  if (value === 'same-origin' || value === 'include') return value;
  throw new TypeError(
    `credentials must be 'same-origin' or 'include', got ${show(value)}${value === 'omit' ? " ('omit' cannot be kept by XMLHttpRequest, which sends same-origin cookies always)" : ''}`,
  );
}

/** `sendCredentialsTo`: one of the two words, or an array of http(s) origins. */
export function checkCredentialOrigins(value: unknown): CredentialOrigins | undefined {
  if (value === undefined) return undefined;
  if (value === 'endpoint-origin' || value === 'any-origin') return value;
  if (!Array.isArray(value)) {
    throw new TypeError(
      `sendCredentialsTo must be 'endpoint-origin', 'any-origin' or an array of origins, got ${show(value)}`,
    );
  }
  return Object.freeze(
    value.map((origin: unknown) => {
      let parsed: URL | undefined;
      try {
        if (typeof origin === 'string') parsed = new URL(origin);
      } catch {}
      if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        throw new TypeError(
          `sendCredentialsTo: ${show(origin)} is not an http(s) origin such as 'https://upload.example.com'`,
        );
      }
      return parsed.origin;
    }),
  );
}

/** An array of HTTP header names, lower-cased. */
export function checkHeaderNames(name: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TypeError(`${name} must be an array of header names, got ${show(value)}`);
  }
  return Object.freeze(
    value.map((header: unknown) => {
      if (typeof header !== 'string' || !TOKEN.test(header)) {
        throw new TypeError(`${name}: ${show(header)} is not a header name`);
      }
      return header.toLowerCase();
    }),
  );
}

/** A `TypeError` naming every key of `options` that `known` does not list. */
export function rejectUnknownKeys(where: string, options: object, known: object): void {
  const unknown = Object.keys(options).filter((key) => !Object.hasOwn(known, key));
  if (unknown.length > 0) {
    throw new TypeError(
      `${where}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`,
    );
  }
}

/** `chunkSize`: `'auto'`, or a number, floored, ≥ 1, or `Infinity`. */
export function checkChunkSize(name: string, value: unknown): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be 'auto' or a number of bytes, got ${show(value)}`);
  }
  if (value === Number.POSITIVE_INFINITY) return value;
  const floored = Math.floor(value);
  if (!(floored >= 1) || !Number.isSafeInteger(floored)) {
    throw new RangeError(`${name} must be at least 1 (or Infinity), got ${show(value)}`);
  }
  return floored;
}

/** A positive whole number of bytes, floored (`maxChunkSize`). */
export function checkByteCount(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of bytes, got ${show(value)}`);
  }
  const floored = Math.floor(value);
  if (!(floored >= 1) || !Number.isSafeInteger(floored)) {
    throw new RangeError(`${name} must be at least 1 byte, got ${show(value)}`);
  }
  return floored;
}

/** A rate in bytes per second: more than 0, or `Infinity` (no limit). */
export function checkRate(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of bytes per second, got ${show(value)}`);
  }
  if (!(value > 0)) {
    throw new RangeError(`${name} must be more than 0 (or Infinity), got ${show(value)}`);
  }
  return value;
}

/** A non-negative integer count such as `maxRetries`. */
export function checkCount(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number, got ${show(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

/** A duration in ms: ≥ 0 (or > 0), `Infinity` only where allowed. */
export function checkDuration(
  name: string,
  value: unknown,
  zeroAllowed: boolean,
  infinityAllowed: boolean,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number of milliseconds, got ${show(value)}`);
  }
  if (value === Number.POSITIVE_INFINITY && infinityAllowed) return value;
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new RangeError(
      `${name} must be ${zeroAllowed ? 'at least 0' : 'more than 0'} ms${infinityAllowed ? ' (or Infinity)' : ''}, got ${show(value)}`,
    );
  }
  return value;
}

export function checkProtocol(value: unknown): ProtocolOption | undefined {
  if (value === undefined) return undefined;
  if (value === 'tus-v1' || value === 'auto' || isDraftProtocol(value)) return value;
  throw new TypeError(
    `protocol must be one of ${PROTOCOL_OPTIONS.map((name) => `'${name}'`).join(', ')}, got ${show(value)}`,
  );
}

export function checkBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new TypeError(`${name} must be a boolean, got ${show(value)}`);
  return value;
}

export function checkFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new TypeError(`${name} must be a function, got ${show(value)}`);
  }
  return value;
}

export function checkUrlStorage(value: unknown): UrlStorage | undefined {
  if (value === undefined) return undefined;
  if (!isUrlStorage(value)) {
    throw new TypeError(
      `urlStorage must have get, set, remove and list methods (a UrlStorage), got ${show(value)}`,
    );
  }
  return value;
}

export function checkFingerprinter(value: unknown): Fingerprinter | undefined {
  if (value === undefined) return undefined;
  if (!isFingerprinter(value)) {
    throw new TypeError(
      `fingerprinter must have a getFingerprint method (a Fingerprinter), got ${show(value)}`,
    );
  }
  return value;
}

export function checkChecksum(value: unknown): boolean | ChecksumAlgorithm | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') {
    throw new TypeError(`checksum must be a boolean or an algorithm name, got ${show(value)}`);
  }
  const lower = value.toLowerCase();
  if (!isChecksumAlgorithm(lower)) {
    throw new RangeError(
      `checksum must be one of ${CHECKSUM_ALGORITHMS.join(', ')} (or true/false), got ${show(value)}`,
    );
  }
  return lower;
}

export function checkEncoding(value: unknown): MetadataEncoding | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new TypeError(`metadataEncoding must be a string, got ${show(value)}`);
  }
  const encoding = normalizeEncoding(value);
  if (encoding === undefined) {
    throw new RangeError(
      `metadataEncoding must be one of ${METADATA_ENCODINGS.join(', ')}, got ${show(value)}`,
    );
  }
  return encoding;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `headers`: names are HTTP tokens, values strings without CR/LF. Values are never shown. */
export function checkHeaders(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`headers must be an object of strings, got ${show(value)}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!TOKEN.test(name))
      throw new TypeError(`headers: ${JSON.stringify(name)} is not a header name`);
    if (typeof headerValue !== 'string') {
      throw new TypeError(
        `headers: the value of ${name} must be a string, got ${typeof headerValue}`,
      );
    }
    if (/[\r\n\0]/.test(headerValue)) {
      throw new TypeError(`headers: the value of ${name} must not contain CR, LF or NUL`);
    }
    headers[name] = headerValue;
  }
  return Object.freeze(headers);
}
