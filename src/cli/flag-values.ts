/**
 * Turning flag values into option values: headers, metadata, checksum algorithm, URLs.
 * Each parser throws `RangeError` with a message for people; commander names the flag.
 */
import type { ChecksumAlgorithm } from '../index.node.js';

/** `'Authorization: Bearer x'` → `['Authorization', 'Bearer x']`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  if (colon < 0 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new RangeError(`a header must look like 'Name: value' (the value given is not shown)`);
  }
  const value = text.slice(colon + 1).trim();
  if (/[\r\n\0]/.test(value)) {
    throw new RangeError(`the value of header '${name}' contains a line break`);
  }
  return [name, value];
}

/** `'key=value'` → `['key', 'value']`; the key is non-empty ASCII without spaces or commas. */
export function parseMetadataPair(text: string): [string, string] {
  const equals = text.indexOf('=');
  const key = equals < 0 ? '' : text.slice(0, equals);
  if (equals < 0) {
    throw new RangeError(`'${text}' is not key=value`);
  }
  if (!/^[\x21-\x7e]+$/.test(key) || key.includes(',')) {
    throw new RangeError(
      `metadata key '${key}' must be non-empty ASCII without spaces or commas (in '${text}')`,
    );
  }
  return [key, text.slice(equals + 1)];
}

const ALGORITHMS: readonly ChecksumAlgorithm[] = ['sha1', 'sha256', 'sha512', 'md5'];

/** `sha256` → `'sha256'`, `off` → `false`, `on` → `true` (the library's default algorithm). */
export function parseChecksum(text: string): ChecksumAlgorithm | boolean {
  const value = text.trim().toLowerCase();
  if (value === 'off' || value === 'none' || value === 'false') return false;
  if (value === 'on' || value === 'true') return true;
  const found = ALGORITHMS.find((algorithm) => algorithm === value);
  if (found === undefined) {
    throw new RangeError(`'${text}' is not one of ${ALGORITHMS.join(', ')}, on, off`);
  }
  return found;
}

/** An absolute http(s) URL, e.g. `--endpoint`, `--url`, `info <url>`. */
export function parseHttpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`'${text}' is not a URL (e.g. http://127.0.0.1:1080/files/)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`'${text}' is not an http:// or https:// URL`);
  }
  return url.href;
}
