/**
 * tus 1.0.0 behind the protocol seam: creation `POST` (`Upload-Length` or
 * `Upload-Defer-Length: 1`, metadata, `Upload-Concat: partial`, and with creation-with-upload
 * the first chunk as its body), the final upload of concatenation (`Upload-Concat: final;…`),
 * offset retrieval `HEAD`, append `PATCH` with
 * `application/offset+octet-stream` and `Upload-Checksum` (with `overridePatchMethod`, a
 * `POST` with `X-HTTP-Method-Override: PATCH`), and `Tus-Resumable` on all.
 */
import { TusProtocolError } from '../../errors/index.js';
import { redactHeaders } from '../../errors/redact.js';
import { buildChecksumHeader } from '../../protocol/checksum.js';
import { buildConcatFinal } from '../../protocol/concat.js';
import { OFFSET_OCTET_STREAM, TUS_VERSION } from '../../protocol/constants.js';
import { parseIntegerHeader, parseOptionalIntegerHeader } from '../../protocol/integers.js';
import { displayUrl, resolveLocation } from '../../protocol/location.js';
import type { HttpResponse } from '../../transport/http-transport.js';
import { errorFromResponse } from '../response-errors.js';
import type { UploadProtocol } from './upload-protocol.js';

export const tusV1: UploadProtocol = {
  name: 'tus-v1',
  headers: Object.freeze({ 'Tus-Resumable': TUS_VERSION }),

  requires(feature) {
    return feature === 'deferred-length' ? 'creation-defer-length' : feature;
  },

  checkAnswer(method, url, response) {
    checkVersion(method, url, response);
  },

  async create(requester, args) {
    const { endpoint, body, algorithm } = args;
    const headers: Record<string, string> =
      args.length === undefined
        ? { 'Upload-Defer-Length': '1' }
        : { 'Upload-Length': String(args.length) };
    if (args.metadataHeader !== undefined) headers['Upload-Metadata'] = args.metadataHeader;
    if (args.partial === true) headers['Upload-Concat'] = 'partial';
    if (body !== undefined) {
      headers['Content-Type'] = OFFSET_OCTET_STREAM;
      if (algorithm !== undefined && body.digest !== undefined) {
        headers['Upload-Checksum'] = buildChecksumHeader(algorithm, body.digest);
      }
    }
    const response = await requester.send('POST', endpoint, {
      headers,
      body: body?.body,
      signal: args.signal,
      onUploadProgress: args.onUploadProgress,
    });
    if (response.status !== 201) throw errorFromResponse('POST', endpoint, response);
    const details = { method: 'POST', url: displayUrl(endpoint), status: response.status };
    const url = resolveLocation(response.headers.location, endpoint, details);
    const raw = response.headers['upload-offset'];
    // Without Upload-Offset the server kept none of the body: the PATCHes send it.
    const offset =
      body === undefined || raw === undefined
        ? 0
        : parseIntegerHeader('Upload-Offset', raw, details);
    if (offset > (body?.length ?? 0)) {
      throw new TusProtocolError(
        `POST ${displayUrl(endpoint)}: Upload-Offset ${offset} is past the ${body?.length ?? 0} bytes sent`,
        details,
      );
    }
    return { url, offset, connectMs: response.connectMs };
  },

  async createFinal(requester, args) {
    const { endpoint } = args;
    const headers: Record<string, string> = { 'Upload-Concat': buildConcatFinal(args.urls) };
    if (args.metadataHeader !== undefined && args.metadataHeader !== '') {
      headers['Upload-Metadata'] = args.metadataHeader;
    }
    const response = await requester.send('POST', endpoint, { headers, signal: args.signal });
    if (response.status !== 201) throw errorFromResponse('POST', endpoint, response);
    const details = { method: 'POST', url: displayUrl(endpoint), status: response.status };
    return resolveLocation(response.headers.location, endpoint, details);
  },

  async offset(requester, url, signal) {
    const response = await requester.send('HEAD', url, {
      signal,
      headers: { 'Cache-Control': 'no-store' },
    });
    if (response.status !== 200 && response.status !== 204) {
      throw errorFromResponse('HEAD', url, response);
    }
    const details = { method: 'HEAD', url: displayUrl(url), status: response.status };
    const h = response.headers;
    return {
      status: response.status,
      connectMs: response.connectMs,
      offset: parseIntegerHeader('Upload-Offset', h['upload-offset'], details),
      // No Upload-Length: the length is still deferred, the last PATCH commits it.
      length: parseOptionalIntegerHeader('Upload-Length', h['upload-length'], details),
      metadataHeader: h['upload-metadata'],
    };
  },

  async append(requester, args) {
    const { url, chunk, algorithm } = args;
    const headers: Record<string, string> = {
      'Upload-Offset': String(args.offset),
      'Content-Type': OFFSET_OCTET_STREAM,
    };
    if (algorithm !== undefined && chunk.digest !== undefined) {
      headers['Upload-Checksum'] = buildChecksumHeader(algorithm, chunk.digest);
    }
    // creation-defer-length: the PATCH that carries the last bytes commits the length.
    if (args.declareLength !== undefined) headers['Upload-Length'] = String(args.declareLength);
    // For proxies that drop PATCH: a POST the server takes as the PATCH it says (tus 1.0).
    const override = requester.options.overridePatchMethod;
    if (override) headers['X-HTTP-Method-Override'] = 'PATCH';
    const response = await requester.send(override ? 'POST' : 'PATCH', url, {
      headers,
      body: chunk.body,
      signal: args.signal,
      onUploadProgress: args.onUploadProgress,
    });
    if (response.status !== 204 && response.status !== 200) {
      throw errorFromResponse('PATCH', url, response);
    }
    const details = { method: 'PATCH', url: displayUrl(url), status: response.status };
    return {
      status: response.status,
      connectMs: response.connectMs,
      offset: parseIntegerHeader('Upload-Offset', response.headers['upload-offset'], details),
    };
  },
};

/**
 * A success answered in another tus version is not a success: its headers mean other things.
 * (OPTIONS may name any version; error answers may come from a proxy without tus headers.)
 */
function checkVersion(method: string, url: string, response: HttpResponse): void {
  const version = response.headers['tus-resumable']?.trim();
  if (method === 'OPTIONS' || response.status < 200 || response.status >= 300) return;
  if (version === undefined || version === TUS_VERSION) return;
  const shown = displayUrl(url);
  throw new TusProtocolError(
    `${method} ${shown}: the server speaks tus ${JSON.stringify(version).slice(1, -1)}, this client ${TUS_VERSION} only`,
    {
      method,
      url: shown,
      status: response.status,
      responseHeaders: redactHeaders(response.headers),
    },
  );
}
