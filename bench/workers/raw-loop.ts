/**
 * The ceiling: one upload created with POST, then sequential PATCHes of `chunkSize`
 * bytes read positionally from the file into one reused buffer, over one keep-alive
 * connection (node:http Agent, keepAlive, maxSockets 1). No checksum, no retries.
 *
 * With `sha1: true` it is the same loop with our client's design and nothing else: the
 * next chunk is read (into the other of two buffers) and hashed with node:crypto while
 * the current one is on the wire, and each PATCH carries its Upload-Checksum. It shows
 * what that design reaches on this machine without any library around it.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { peakRssMiB, readArgs, runMain } from './worker-io.js';

interface RawArgs {
  endpoint: string;
  filePath: string;
  chunkSize: number;
  sha1?: boolean;
}

interface Chunk {
  bytes: Buffer;
  digest: string | undefined;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function readChunk(file: FileHandle, buffer: Buffer, at: number, size: number) {
  const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - at), at);
  return buffer.subarray(0, bytesRead);
}

runMain(async () => {
  const args = readArgs<RawArgs>();
  const file = await open(args.filePath, 'r');
  try {
    const size = (await file.stat()).size;
    const started = performance.now();
    const created = await send('POST', args.endpoint, {
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(size),
      'Content-Length': '0',
    });
    const location = created.headers.location;
    if (created.status !== 201 || typeof location !== 'string') {
      throw new Error(`POST ${args.endpoint}: ${created.status}, no Location`);
    }
    const uploadUrl = new URL(location, args.endpoint).href;
    const buffers = [Buffer.allocUnsafe(args.chunkSize), Buffer.allocUnsafe(args.chunkSize)];
    const prepare = async (at: number, slot: number): Promise<Chunk> => {
      const bytes = await readChunk(file, buffers[slot % 2]!, at, size);
      const digest = args.sha1 ? createHash('sha1').update(bytes).digest('base64') : undefined;
      return { bytes, digest };
    };
    let offset = 0;
    let requests = 1;
    let next: Promise<Chunk> | undefined = prepare(0, 0);
    while (next !== undefined) {
      const { bytes, digest }: Chunk = await next;
      const headers: Record<string, string> = {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(bytes.length),
      };
      if (digest !== undefined) headers['Upload-Checksum'] = `sha1 ${digest}`;
      const sending = send('PATCH', uploadUrl, headers, bytes);
      const end: number = offset + bytes.length;
      // Without a checksum the loop stays strictly sequential (read, then send): the ceiling.
      next = end >= size ? undefined : args.sha1 ? prepare(end, requests) : undefined;
      const res = await sending;
      requests++;
      const reached = Number(res.headers['upload-offset']);
      if (res.status !== 204 || reached !== end) {
        throw new Error(`PATCH ${uploadUrl}: ${res.status}, Upload-Offset ${String(reached)}`);
      }
      offset = reached;
      if (next === undefined && offset < size) next = prepare(offset, requests);
    }
    const ms = performance.now() - started;
    agent.destroy();
    return { bytes: size, ms, requests, uploadUrl, peakRssMiB: peakRssMiB() };
  } finally {
    await file.close();
  }
});
