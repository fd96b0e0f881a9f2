/**
 * The IETF draft "Resumable Uploads for HTTP" behind the protocol seam, one module for the
 * client's three draft values (`ietf-draft-03`, `-05`, `-12`: interop 5, 6, 8): what differs
 * between them is data (`interopRules`), read here, never compared as numbers.
 *
 * Creation `POST` with `Upload-Complete` (`?1` when the body is the whole input), the file
 * named by `Content-Disposition` / `Content-Type`, and the 104's `Location` handed on the
 * moment it arrives; offset retrieval `HEAD`; append `PATCH` with `Upload-Offset`,
 * `Upload-Complete` (`?1` on the last bytes) and `Content-Digest` from the `checksum` option;
 * `Repr-Digest` at creation when the input's SHA-256 is known already (the fingerprint).
 * Where the transport cannot show a 104 (browsers), creations carry no body: the URL is known
 * before any byte is sent.
 */
import { TusChecksumMismatchError, TusProtocolError } from '../../errors/index.js';
import { redactHeaders } from '../../errors/redact.js';
import {
  appendHeaders,
  creationHeaders,
  interimLocation,
  readUploadState,
  versionHeaders,
} from '../../protocol/ietf/client-messages.js';
import { DRAFT_PROTOCOLS, type DraftProtocol, interopRules } from '../../protocol/ietf/interop.js';
import { parseProblem } from '../../protocol/ietf/problems.js';
import { parseUploadLimit } from '../../protocol/ietf/upload-limit.js';
import { displayUrl, resolveLocation } from '../../protocol/location.js';
import { decodeMetadata } from '../../protocol/metadata.js';
import type { HttpResponse } from '../../transport/http-transport.js';
import type { ChecksumAlgorithm } from '../../types.js';
import { errorFromResponse } from '../response-errors.js';
import type { AppendLimits, UploadProtocol } from './upload-protocol.js';

/** `Content-Digest` algorithms, in the order `checksum: true` picks them (sha-256 first). */
const DIGEST_ORDER: readonly ChecksumAlgorithm[] = ['sha256', 'sha512', 'sha1', 'md5'];

export interface DraftPlatform {
  /** Whether the transport shows interim answers (a 104's `Location` during the body). */
  interim: boolean;
}

export function ietfDraft(protocol: DraftProtocol, platform: DraftPlatform): UploadProtocol {
  const rules = interopRules(DRAFT_PROTOCOLS[protocol]);

  const details = (method: string, url: string, response: HttpResponse) => ({
    method,
    url: displayUrl(url),
    status: response.status,
  });

  /** The append limits of an answer's `Upload-Limit` (none in interop 5). */
  const limitsOf = (headers: Readonly<Record<string, string>>): AppendLimits | undefined => {
    if (rules.lifetimeKey === undefined) return undefined;
    const limits = parseUploadLimit(headers['upload-limit'], rules.lifetimeKey);
    return limits === undefined
      ? undefined
      : { maxAppendSize: limits.maxAppendSize, minAppendSize: limits.minAppendSize };
  };

  return {
    name: protocol,
    headers: Object.freeze(versionHeaders(rules)),
    checksumAlgorithms: DIGEST_ORDER,

    requires(feature) {
      // An unknown length is simply not declared; a body in the creation is only worth it
      // where the 104 can be seen, else a cut creation could not be resumed.
      if (feature === 'deferred-length') return true;
      if (feature === 'creation-with-upload') return platform.interim;
      return false;
    },

    checkAnswer() {
      // Draft answers name no protocol version of their own to check (the 104's is checked
      // where it is read).
    },

    async create(requester, args) {
      const { endpoint, body, algorithm } = args;
      const complete = args.length !== undefined && (body?.length ?? 0) === args.length;
      const file = fileOf(args.metadataHeader);
      const headers = creationHeaders(rules, {
        complete,
        length: args.length,
        filename: file.filename,
        filetype: file.filetype,
        contentDigest:
          body !== undefined && algorithm !== undefined && body.digest !== undefined
            ? { algorithm, base64: body.digest }
            : undefined,
        reprDigest:
          args.inputSha256 === undefined
            ? undefined
            : new Map([['sha-256', hexBytes(args.inputSha256)]]),
      });
      if (args.metadataHeader !== undefined) headers['Upload-Metadata'] = args.metadataHeader;
      let early: string | undefined;
      let earlyLimits: Record<string, string> | undefined;
      const response = await requester.send('POST', endpoint, {
        headers,
        body: body?.body,
        signal: args.signal,
        onUploadProgress: args.onUploadProgress,
        onInterimResponse: (status, interim) => {
          const location = interimLocation(rules, status, interim);
          if (location === undefined || early !== undefined) return;
          try {
            early = resolveLocation(location, endpoint);
          } catch {
            return;
          }
          earlyLimits = interim;
          args.onLocation?.(early);
        },
      });
      if (response.status < 200 || response.status >= 300) {
        const digested = headers['Content-Digest'] !== undefined && body !== undefined;
        if (digested && digestRefused(response, 0)) {
          // The upload exists without the body (the draft announces it before the body):
          // it is named here, so the retry resumes it rather than creating another.
          const named = response.headers.location ?? early;
          let url: string | undefined;
          try {
            url = named === undefined ? undefined : resolveLocation(named, endpoint);
          } catch {
            url = undefined;
          }
          if (url !== undefined && early === undefined) args.onLocation?.(url);
          throw new TusChecksumMismatchError(
            `POST ${displayUrl(endpoint)}: the server's Content-Digest of the ${body.length} bytes differs (400); they were not kept${url === undefined ? '' : `, the upload ${displayUrl(url)} was created without them`}`,
            {
              ...details('POST', endpoint, response),
              responseHeaders: redactHeaders(response.headers),
              responseBody: response.body.slice(0, 4096),
            },
          );
        }
        throw errorFromResponse('POST', endpoint, response);
      }
      const facts = details('POST', endpoint, response);
      const url = resolveLocation(response.headers.location ?? early, endpoint, facts);
      if (early !== undefined && url !== early) {
        throw new TusProtocolError(
          `POST ${displayUrl(endpoint)}: the answer's Location ${displayUrl(url)} is not the 104's ${displayUrl(early)}`,
          { ...facts, responseHeaders: redactHeaders(response.headers) },
        );
      }
      const sent = body?.length ?? 0;
      const stated = response.headers['upload-offset'];
      // A 2xx says the whole body was taken; Upload-Offset, when given, must agree.
      const offset =
        stated === undefined ? sent : readUploadState(rules, response.headers, facts).offset;
      if (offset !== sent) {
        throw new TusProtocolError(
          `POST ${displayUrl(endpoint)}: Upload-Offset ${offset} is not the ${sent} bytes sent`,
          facts,
        );
      }
      const said = response.headers['upload-complete'];
      return {
        url,
        offset,
        complete: said === undefined ? complete : said.trim() === '?1',
        limits: limitsOf(response.headers) ?? (earlyLimits && limitsOf(earlyLimits)),
        connectMs: response.connectMs,
      };
    },

    async offset(requester, url, signal) {
      const response = await requester.send('HEAD', url, { signal });
      if (response.status !== 200 && response.status !== 204) {
        throw errorFromResponse('HEAD', url, response);
      }
      const state = readUploadState(rules, response.headers, details('HEAD', url, response));
      const complete = state.complete === true;
      return {
        status: response.status,
        offset: state.offset,
        // A complete upload's length is its offset (interop 5 has no Upload-Length field).
        length: complete ? state.offset : state.length,
        complete,
        limits: limitsOf(response.headers),
        connectMs: response.connectMs,
      };
    },

    async append(requester, args) {
      const { url, chunk, algorithm } = args;
      const digest =
        algorithm !== undefined && chunk.digest !== undefined
          ? { algorithm, base64: chunk.digest }
          : undefined;
      // The uploader names the length on the append with the last bytes: it completes.
      const headers = appendHeaders(rules, {
        offset: args.offset,
        complete: args.declareLength !== undefined,
        length: args.declareLength,
        contentDigest: digest,
      });
      const response = await requester.send('PATCH', url, {
        headers,
        body: chunk.body,
        signal: args.signal,
        onUploadProgress: args.onUploadProgress,
      });
      if (response.status < 200 || response.status >= 300) {
        if (digest !== undefined && digestRefused(response, args.offset)) {
          throw new TusChecksumMismatchError(
            `PATCH ${displayUrl(url)}: the server's Content-Digest of the ${chunk.length} bytes from ${args.offset} differs (400); they were not appended`,
            {
              ...details('PATCH', url, response),
              responseHeaders: redactHeaders(response.headers),
              responseBody: response.body.slice(0, 4096),
            },
          );
        }
        throw errorFromResponse('PATCH', url, response);
      }
      const stated = response.headers['upload-offset'];
      return {
        status: response.status,
        // Interop 7 and 8 need not say the offset: a 2xx took the whole body.
        offset:
          stated === undefined
            ? args.offset + chunk.length
            : readUploadState(rules, response.headers, details('PATCH', url, response)).offset,
        connectMs: response.connectMs,
      };
    },
  };
}

/**
 * Whether a refused append (or creation, from offset 0) is the server's "your
 * Content-Digest does not match": the draft names no status for it (ours answers 400); a
 * 400 that is none of the draft's problem documents and says the offset did not move is
 * taken as one, so it is retried like tus's 460.
 */
function digestRefused(response: HttpResponse, offset: number): boolean {
  if (response.status !== 400) return false;
  const problem = parseProblem(response.headers['content-type'], response.body);
  if (problem?.type.startsWith('https://iana.org/')) return false;
  return response.headers['upload-offset']?.trim() === String(offset);
}

/** `filename` and `filetype` of the tus-encoded metadata, for the draft's Content-* fields. */
function fileOf(metadataHeader: string | undefined): { filename?: string; filetype?: string } {
  if (metadataHeader === undefined) return {};
  try {
    const metadata = decodeMetadata(metadataHeader);
    const file: { filename?: string; filetype?: string } = {};
    const filename = metadata.filename ?? metadata.name;
    if (filename !== undefined && filename !== '') file.filename = filename;
    const filetype = metadata.filetype ?? metadata.type;
    if (filetype !== undefined && /^[\w.+-]+\/[\w.+-]+$/.test(filetype)) file.filetype = filetype;
    return file;
  } catch {
    return {};
  }
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
