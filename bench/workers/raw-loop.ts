/**
 * The ceiling: one upload created with POST, then sequential PATCHes of `chunkSize`
 * bytes read positionally from the file into one reused buffer, over one keep-alive
 * connection (node:http Agent, keepAlive, maxSockets 1). No checksum, no retries.
 */
import { open } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { peakRssMiB, readArgs, runMain } from './worker-io.js';

interface RawArgs {
  endpoint: string;
  filePath: string;
  chunkSize: number;
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

runMain(async () => {
  const args = readArgs<RawArgs>();
  const file = await open(args.filePath, 'r');
  try {
    const size = (await file.stat()).size;
    const buffer = Buffer.allocUnsafe(args.chunkSize);
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
    let offset = 0;
    let requests = 1;
    while (offset < size) {
      const { bytesRead } = await file.read(
        buffer,
        0,
        Math.min(args.chunkSize, size - offset),
        offset,
      );
      const res = await send(
        'PATCH',
        uploadUrl,
        {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': String(offset),
          'Content-Type': 'application/offset+octet-stream',
          'Content-Length': String(bytesRead),
        },
        buffer.subarray(0, bytesRead),
      );
      requests++;
      const next = Number(res.headers['upload-offset']);
      if (res.status !== 204 || next !== offset + bytesRead) {
        throw new Error(`PATCH ${uploadUrl}: ${res.status}, Upload-Offset ${String(next)}`);
      }
      offset = next;
    }
    const ms = performance.now() - started;
    agent.destroy();
    return { bytes: size, ms, requests, uploadUrl, peakRssMiB: peakRssMiB() };
  } finally {
    await file.close();
  }
});
