/** After an upload: ask the server (HEAD) how many bytes it holds. */
import { request } from 'node:http';

export function headOffset(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } }, (res) => {
      res.resume();
      const offset = Number(res.headers['upload-offset']);
      if (res.statusCode !== 200 || !Number.isSafeInteger(offset)) {
        reject(
          new Error(`HEAD ${url}: ${String(res.statusCode)}, Upload-Offset ${String(offset)}`),
        );
      } else {
        resolve(offset);
      }
    });
    req.on('error', reject);
    req.end();
  });
}

/** Throws unless the server holds exactly `size` bytes of the upload at `url`. */
export async function assertComplete(url: string, size: number): Promise<void> {
  const offset = await headOffset(url);
  if (offset !== size) throw new Error(`server holds ${offset} of ${size} bytes at ${url}`);
}

export interface ServerStats {
  bytesReceived: number;
  uploadsCreated: number;
  patches: number;
  /** CORS preflights (OPTIONS with Access-Control-Request-Method) answered. */
  preflights: number;
}

/** A bench server's counters (`GET /__bench/stats`), read outside the clock. */
export async function serverStats(url: string): Promise<ServerStats> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as ServerStats;
}
