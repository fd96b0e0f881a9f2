/**
 * A scripted `HttpTransport` for unit tests of the upload state machine: every request is
 * recorded and answered by the test's handler (no sockets).
 */

import { createHash } from 'node:crypto';
import { watchAbort } from '../../src/abort.js';
import { BaseTusClient } from '../../src/client.js';
import type { TusClientOptions } from '../../src/options.js';
import type { Platform } from '../../src/platform.js';
import { BufferSource } from '../../src/sources/buffer-source.js';
import { openInput } from '../../src/sources/open-input.js';
import type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
  RequestBody,
} from '../../src/transport/http-transport.js';

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A request as the fake transport records it: its body gathered into bytes. */
export type RecordedRequest = Omit<HttpRequest, 'body'> & { body?: Uint8Array | undefined };

/** Answers a request; may throw (a network error) or return a promise that never settles. */
export type FakeHandler = (
  request: RecordedRequest,
  index: number,
) => FakeAnswer | Promise<FakeAnswer>;

/** The bytes of any request body (a Blob or a streamed body gathered). */
export async function bodyBytes(body: RequestBody | undefined): Promise<Uint8Array | undefined> {
  if (body === undefined || body instanceof Uint8Array) return body;
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  const pieces: Uint8Array[] = [];
  for await (const piece of body.pieces()) pieces.push(Uint8Array.from(piece));
  return Buffer.concat(pieces);
}

export class FakeTransport implements HttpTransport {
  readonly requests: RecordedRequest[] = [];
  handler: FakeHandler;
  closed = false;

  constructor(handler: FakeHandler) {
    this.handler = handler;
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const copy: RecordedRequest = {
      ...request,
      headers: { ...request.headers },
      body: await bodyBytes(request.body),
    };
    this.requests.push(copy);
    if (request.signal?.aborted) throw request.signal.reason;
    const answer = this.handler(copy, this.requests.length - 1);
    // As the real transports do: one listener per signal however many requests share it,
    // removed when the request ends (a listener each warned past ten, and stayed).
    let unwatch = () => {};
    const aborted = new Promise<never>((_, reject) => {
      const signal = request.signal;
      if (signal !== undefined) unwatch = watchAbort(signal, () => reject(signal.reason));
    });
    let settled: FakeAnswer;
    try {
      settled = await Promise.race([Promise.resolve(answer), aborted]);
    } finally {
      unwatch();
    }
    return {
      status: settled.status,
      headers: lower(settled.headers ?? {}),
      body: settled.body ?? '',
    };
  }

  /** `METHOD url` of every request so far. */
  get log(): string[] {
    return this.requests.map((r) => `${r.method} ${r.url}`);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A client over `transport` with Node's checksums and the shared sources (no file paths). */
export function fakeClient(
  transport: FakeTransport,
  options: TusClientOptions = {},
  endpoint = 'http://tus.test/files',
): BaseTusClient {
  const platform: Platform = {
    name: 'node',
    createTransport: () => transport,
    openSource: async (input) =>
      input.input === undefined
        ? new BufferSource(new Uint8Array(0))
        : openInput(input.input, input.uploadSize),
    checksum: {
      supports: () => true,
      digest: async (algorithm, data) => createHash(algorithm).update(data).digest('base64'),
    },
  };
  return new BaseTusClient(endpoint, options, platform);
}

/**
 * A tiny in-memory tus server as a handler: creation, HEAD, PATCH (with checksum check
 * when `checksums` is set), OPTIONS, DELETE. `faults` may answer a request first.
 */
export function memoryTus(
  config: {
    checksums?: string[];
    faults?: (request: RecordedRequest, index: number) => FakeAnswer | undefined;
  } = {},
): { handler: FakeHandler; uploads: Map<string, { length: number; data: number[] }> } {
  const uploads = new Map<string, { length: number; data: number[] }>();
  let next = 1;
  const base = { 'Tus-Resumable': '1.0.0' };
  const handler: FakeHandler = (request, index) => {
    const fault = config.faults?.(request, index);
    if (fault !== undefined) return fault;
    const path = new URL(request.url).pathname;
    const upload = uploads.get(path);
    switch (request.method) {
      case 'OPTIONS':
        return {
          status: 204,
          headers: {
            ...base,
            'Tus-Version': '1.0.0',
            'Tus-Extension': config.checksums
              ? 'creation,termination,checksum'
              : 'creation,termination',
            ...(config.checksums ? { 'Tus-Checksum-Algorithm': config.checksums.join(',') } : {}),
          },
        };
      case 'POST': {
        const id = `/files/u${next++}`;
        uploads.set(id, { length: Number(request.headers['Upload-Length']), data: [] });
        return { status: 201, headers: { ...base, Location: id } };
      }
      case 'HEAD':
        if (upload === undefined) return { status: 404 };
        return {
          status: 200,
          headers: {
            ...base,
            'Upload-Offset': String(upload.data.length),
            'Upload-Length': String(upload.length),
          },
        };
      case 'PATCH': {
        if (upload === undefined) return { status: 404 };
        if (Number(request.headers['Upload-Offset']) !== upload.data.length) return { status: 409 };
        const body = request.body ?? new Uint8Array(0);
        const checksum = request.headers['Upload-Checksum'];
        if (checksum !== undefined) {
          const [algorithm, digest] = checksum.split(' ');
          if (
            createHash(algorithm ?? '')
              .update(body)
              .digest('base64') !== digest
          )
            return { status: 460 };
        }
        for (const byte of body) upload.data.push(byte);
        return { status: 204, headers: { ...base, 'Upload-Offset': String(upload.data.length) } };
      }
      case 'DELETE':
        uploads.delete(path);
        return { status: 204 };
      default:
        return { status: 405 };
    }
  };
  return { handler, uploads };
}
