/**
 * A minimal "null" tus server for benchmarks: it speaks enough tus 1.0 (creation,
 * creation-with-upload, creation-defer-length, checksum, termination) for a client to
 * upload, reads and discards every body, and keeps only offsets in memory. Checksum
 * algorithms are advertised so clients compute them, but never verified.
 *
 * With `allowedOrigins` (a list of origins) it answers CORS for them, as a tus server for
 * browsers does: preflights allowed for a day, the tus headers exposed.
 *
 * Prints `{"port":N}` once listening; GET /__bench/stats answers its counters (bytes
 * received, uploads, PATCHes, CORS preflights). Exits when its parent goes away.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { allowCors, type CorsCounters } from './cors.js';
import { readArgs, serveOnLoopback } from './worker-io.js';

interface NullServerArgs {
  allowedOrigins?: string[];
}

const allowedOrigins = readArgs<NullServerArgs>().allowedOrigins ?? [];

interface NullUpload {
  offset: number;
  length: number | undefined;
}

const uploads = new Map<string, NullUpload>();
let bytesReceived = 0;
let uploadsCreated = 0;
let patches = 0;
const cors: CorsCounters = { preflights: 0 };

const TUS_HEADERS = {
  'Tus-Resumable': '1.0.0',
  'Cache-Control': 'no-store',
};

function parseLength(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Reads the body and throws it away; resolves with the byte count. */
function discard(req: IncomingMessage): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    req.on('data', (chunk: Buffer) => {
      count += chunk.length;
    });
    req.on('end', () => resolve(count));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...TUS_HEADERS, ...headers, 'Content-Length': '0' });
  res.end();
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  allowCors(req, res, allowedOrigins, cors);
  if (req.method === 'GET' && url === '/__bench/stats') {
    const body = JSON.stringify({
      bytesReceived,
      uploadsCreated,
      patches,
      preflights: cors.preflights,
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(body);
    return;
  }
  if (req.method === 'OPTIONS') {
    await discard(req);
    answer(res, 204, {
      'Tus-Version': '1.0.0',
      'Tus-Extension': 'creation,creation-with-upload,creation-defer-length,checksum,termination',
      'Tus-Checksum-Algorithm': 'sha1,sha256,sha512,md5',
    });
    return;
  }
  if (req.method === 'POST') {
    const length = parseLength(req.headers['upload-length']);
    const deferred = req.headers['upload-defer-length'] === '1';
    if (length === undefined && !deferred) {
      await discard(req);
      answer(res, 400);
      return;
    }
    const id = randomBytes(12).toString('hex');
    const upload: NullUpload = { offset: 0, length };
    uploads.set(id, upload);
    uploadsCreated++;
    // creation-with-upload: a body is the first chunk
    const received = await discard(req);
    upload.offset += received;
    bytesReceived += received;
    answer(res, 201, { Location: `/files/${id}`, 'Upload-Offset': String(upload.offset) });
    return;
  }
  const match = /^\/files\/([0-9a-f]+)$/.exec(url);
  const upload = match?.[1] === undefined ? undefined : uploads.get(match[1]);
  if (upload === undefined) {
    await discard(req);
    answer(res, 404);
    return;
  }
  if (req.method === 'HEAD') {
    const headers: Record<string, string> = { 'Upload-Offset': String(upload.offset) };
    if (upload.length === undefined) headers['Upload-Defer-Length'] = '1';
    else headers['Upload-Length'] = String(upload.length);
    answer(res, 200, headers);
    return;
  }
  if (req.method === 'DELETE') {
    await discard(req);
    if (match?.[1] !== undefined) uploads.delete(match[1]);
    answer(res, 204);
    return;
  }
  if (req.method === 'PATCH') {
    const offset = parseLength(req.headers['upload-offset']);
    if (offset !== upload.offset) {
      await discard(req);
      answer(res, 409);
      return;
    }
    const length = parseLength(req.headers['upload-length']);
    if (upload.length === undefined && length !== undefined) upload.length = length;
    const received = await discard(req);
    upload.offset += received;
    bytesReceived += received;
    patches++;
    answer(res, 204, { 'Upload-Offset': String(upload.offset) });
    return;
  }
  await discard(req);
  answer(res, 405);
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) answer(res, 500);
    else res.destroy();
  });
});
server.keepAliveTimeout = 30_000;
serveOnLoopback(server);
