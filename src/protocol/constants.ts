/** tus protocol constants. Pure: no I/O, no platform code. */

/** The protocol version this client speaks. */
export const TUS_VERSION = '1.0.0';

/** `Content-Type` of every PATCH body. */
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** Status 460: the chunk's checksum did not match (tus checksum extension). */
export const STATUS_CHECKSUM_MISMATCH = 460;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  460: 'Checksum Mismatch',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `409 Conflict`, `460 Checksum Mismatch`, `599` for a status without a known text. */
export function describeStatus(status: number): string {
  const text = STATUS_TEXT[status];
  return text === undefined ? String(status) : `${status} ${text}`;
}
