/**
 * An in-memory tus server as a `FakeTransport` handler, with what parallel and deferred
 * uploads need: concatenation (partial and final) and creation-defer-length. `faults` may
 * answer a request first.
 */
import { createHash } from 'node:crypto';
import type {
  FakeAnswer,
  FakeHandler,
  RecordedRequest as HttpRequest,
} from '../../helpers/fake-transport.js';

export interface MemoryUpload {
  length: number | undefined;
  chunks: Uint8Array[];
  offset: number;
  concat: 'partial' | 'final' | undefined;
  metadata: string | undefined;
}

export interface ConcatTusConfig {
  extensions?: string[];
  checksums?: string[];
  faults?: (request: HttpRequest, index: number) => FakeAnswer | undefined;
  /** creation-with-upload: keep only this many bytes of a POST body. */
  takeAtCreation?: number;
  /** creation-with-upload: answer the POST without Upload-Offset. */
  omitCreationOffset?: boolean;
}

function checksumOk(header: string | undefined, body: Uint8Array): boolean {
  if (header === undefined) return true;
  const [algorithm, digest] = header.split(' ');
  return (
    createHash(algorithm ?? '')
      .update(body)
      .digest('base64') === digest
  );
}

export function concatTus(config: ConcatTusConfig = {}): {
  handler: FakeHandler;
  uploads: Map<string, MemoryUpload>;
  bytes(url: string): Uint8Array;
} {
  const uploads = new Map<string, MemoryUpload>();
  const extensions = config.extensions ?? [
    'creation',
    'creation-defer-length',
    'concatenation',
    'termination',
    ...(config.checksums ? ['checksum'] : []),
  ];
  let next = 1;
  const base = { 'Tus-Resumable': '1.0.0' };
  const bytes = (url: string): Uint8Array => {
    const upload = uploads.get(new URL(url, 'http://tus.test').pathname);
    return upload === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.concat(upload.chunks));
  };
  const handler: FakeHandler = (request, index) => {
    const fault = config.faults?.(request, index);
    if (fault !== undefined) return fault;
    const h = request.headers;
    const path = new URL(request.url).pathname;
    const upload = uploads.get(path);
    switch (request.method) {
      case 'OPTIONS':
        return {
          status: 204,
          headers: {
            ...base,
            'Tus-Version': '1.0.0',
            'Tus-Extension': extensions.join(','),
            ...(config.checksums ? { 'Tus-Checksum-Algorithm': config.checksums.join(',') } : {}),
          },
        };
      case 'POST': {
        const id = `/files/u${next++}`;
        const concat = h['Upload-Concat'];
        if (concat?.startsWith('final;')) {
          const parts = concat
            .slice(6)
            .split(' ')
            .map((url) => uploads.get(new URL(url, 'http://tus.test').pathname));
          for (const part of parts) {
            if (part === undefined || part.concat !== 'partial') return { status: 400 };
            if (part.length === undefined || part.offset < part.length) return { status: 400 };
          }
          const chunks = parts.flatMap((part) => part?.chunks ?? []);
          const length = chunks.reduce((sum, c) => sum + c.byteLength, 0);
          uploads.set(id, {
            length,
            chunks,
            offset: length,
            concat: 'final',
            metadata: h['Upload-Metadata'],
          });
          return { status: 201, headers: { ...base, Location: id } };
        }
        const deferred = h['Upload-Defer-Length'] === '1';
        if (deferred === (h['Upload-Length'] !== undefined)) return { status: 400 };
        const created: MemoryUpload = {
          length: deferred ? undefined : Number(h['Upload-Length']),
          chunks: [],
          offset: 0,
          concat: concat === 'partial' ? 'partial' : undefined,
          metadata: h['Upload-Metadata'],
        };
        uploads.set(id, created);
        // creation-with-upload: keep the body (at most `takeAtCreation` bytes of it).
        const body = request.body ?? new Uint8Array(0);
        if (body.byteLength === 0) return { status: 201, headers: { ...base, Location: id } };
        if (h['Content-Type'] !== 'application/offset+octet-stream') return { status: 415 };
        if (!checksumOk(h['Upload-Checksum'], body)) return { status: 460 };
        const kept = body.subarray(0, config.takeAtCreation ?? body.byteLength);
        created.chunks.push(Uint8Array.from(kept));
        created.offset = kept.byteLength;
        const offset = config.omitCreationOffset ? {} : { 'Upload-Offset': String(created.offset) };
        return { status: 201, headers: { ...base, Location: id, ...offset } };
      }
      case 'HEAD':
        if (upload === undefined) return { status: 404 };
        return {
          status: 200,
          headers: {
            ...base,
            'Upload-Offset': String(upload.offset),
            ...(upload.length === undefined
              ? { 'Upload-Defer-Length': '1' }
              : { 'Upload-Length': String(upload.length) }),
          },
        };
      case 'PATCH': {
        if (upload === undefined) return { status: 404 };
        if (upload.concat === 'final') return { status: 403 };
        if (Number(h['Upload-Offset']) !== upload.offset) return { status: 409 };
        const body = request.body ?? new Uint8Array(0);
        if (h['Upload-Length'] !== undefined) {
          if (upload.length !== undefined) return { status: 400, body: 'length already set' };
          upload.length = Number(h['Upload-Length']);
        }
        if (upload.length !== undefined && upload.offset + body.byteLength > upload.length) {
          return { status: 400, body: 'past the length' };
        }
        if (!checksumOk(h['Upload-Checksum'], body)) return { status: 460 };
        upload.chunks.push(Uint8Array.from(body));
        upload.offset += body.byteLength;
        return { status: 204, headers: { ...base, 'Upload-Offset': String(upload.offset) } };
      }
      default:
        return { status: 405 };
    }
  };
  return { handler, uploads, bytes };
}
