/**
 * The creation `POST` (creation extension): `Upload-Length` or `Upload-Defer-Length: 1`,
 * metadata, extra headers (`Upload-Concat: partial`), and with creation-with-upload the
 * first chunk as its body.
 */
import { TusProtocolError } from '../errors/index.js';
import { buildChecksumHeader } from '../protocol/checksum.js';
import { OFFSET_OCTET_STREAM } from '../protocol/constants.js';
import { parseIntegerHeader } from '../protocol/integers.js';
import { displayUrl, resolveLocation } from '../protocol/location.js';
import type { ChecksumAlgorithm } from '../types.js';
import type { Requester } from './requester.js';
import { errorFromResponse } from './response-errors.js';

export interface CreateRequest {
  /** The length to declare; `undefined` = `Upload-Defer-Length: 1`. */
  length: number | undefined;
  metadataHeader?: string | undefined;
  extraHeaders?: Readonly<Record<string, string>> | undefined;
  /** creation-with-upload: the first bytes (from offset 0) and their digest. */
  body?: { data: Uint8Array; digest: string | undefined } | undefined;
  algorithm?: ChecksumAlgorithm | undefined;
  signal?: AbortSignal | undefined;
}

/** Creates the upload; resolves with its URL and the bytes the server took from the body. */
export async function createUpload(
  requester: Requester,
  endpoint: string,
  request: CreateRequest,
): Promise<{ url: string; offset: number }> {
  const headers: Record<string, string> =
    request.length === undefined
      ? { 'Upload-Defer-Length': '1' }
      : { 'Upload-Length': String(request.length) };
  if (request.metadataHeader !== undefined) headers['Upload-Metadata'] = request.metadataHeader;
  if (request.extraHeaders !== undefined) Object.assign(headers, request.extraHeaders);
  const { body, algorithm } = request;
  if (body !== undefined) {
    headers['Content-Type'] = OFFSET_OCTET_STREAM;
    if (algorithm !== undefined && body.digest !== undefined) {
      headers['Upload-Checksum'] = buildChecksumHeader(algorithm, body.digest);
    }
  }
  const response = await requester.send('POST', endpoint, {
    headers,
    body: body?.data,
    signal: request.signal,
  });
  if (response.status !== 201) throw errorFromResponse('POST', endpoint, response);
  const details = { method: 'POST', url: displayUrl(endpoint), status: response.status };
  const url = resolveLocation(response.headers.location, endpoint, details);
  const raw = response.headers['upload-offset'];
  // Without Upload-Offset the server kept none of the body: the PATCHes send it.
  const offset =
    body === undefined || raw === undefined ? 0 : parseIntegerHeader('Upload-Offset', raw, details);
  if (offset > (body?.data.byteLength ?? 0)) {
    throw new TusProtocolError(
      `POST ${displayUrl(endpoint)}: Upload-Offset ${offset} is past the ${body?.data.byteLength ?? 0} bytes sent`,
      details,
    );
  }
  return { url, offset };
}
