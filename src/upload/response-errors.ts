/** Responses and failures → the library's typed errors. */
import {
  TusAbortError,
  TusChecksumMismatchError,
  TusCommunicationError,
  type TusError,
  TusUploadFailed,
} from '../errors/index.js';
import { redactHeaders } from '../errors/redact.js';
import { describeStatus, STATUS_CHECKSUM_MISMATCH, TUS_VERSION } from '../protocol/constants.js';
import { displayUrl } from '../protocol/location.js';
import type { HttpResponse } from '../transport/http-transport.js';

/** The typed error for an unexpected answer: `PATCH http://host/files/ab: 409 Conflict`. */
export function errorFromResponse(
  method: string,
  url: string,
  response: HttpResponse,
  context = '',
): TusCommunicationError {
  const shown = displayUrl(url);
  const details = {
    method,
    url: shown,
    status: response.status,
    responseHeaders: redactHeaders(response.headers),
    responseBody: response.body.slice(0, 4096),
  };
  const body = oneLine(response.body);
  const versions = response.headers['tus-version'];
  if (response.status === 412 && versions !== undefined) {
    context += `: the server speaks tus ${oneLine(versions)}, this client ${TUS_VERSION}`;
  }
  const message = `${method} ${shown}: ${describeStatus(response.status)}${context}${body === '' ? '' : ` (${body})`}`;
  if (response.status === STATUS_CHECKSUM_MISMATCH)
    return new TusChecksumMismatchError(message, details);
  return new TusCommunicationError(message, details);
}

/** Retries used up: a `TusUploadFailed` that carries the last error's request facts. */
export function uploadFailed(
  error: TusError,
  why: string,
  offset: number | undefined,
  uploadUrl: string | undefined,
): TusUploadFailed {
  return new TusUploadFailed(`${why}: ${error.message}`, {
    method: error.method,
    url: error.url,
    status: error.status,
    responseHeaders: error.responseHeaders,
    responseBody: error.responseBody,
    cause: error,
    offset,
    uploadUrl,
  });
}

/** The abort error: says how far the upload got. */
export function abortError(
  reason: unknown,
  offset: number,
  total: number | undefined,
  uploadUrl: string | undefined,
  what = 'upload',
): TusAbortError {
  const progress = total === undefined ? `${offset} bytes` : `${offset} of ${total} bytes`;
  const where = uploadUrl === undefined ? '' : ` (${displayUrl(uploadUrl)})`;
  return new TusAbortError(`${what} aborted at ${progress}${where}`, {
    cause: reason,
    offset,
    uploadUrl,
  });
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
