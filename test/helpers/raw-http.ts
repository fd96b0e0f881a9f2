/**
 * Raw HTTP for driving a tus server by hand (not through our client): one request on a
 * fresh connection, the answer in full.
 */
import { type IncomingHttpHeaders, request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Trailers to send after a chunked body (`body` is then sent chunked). */
  trailers?: Record<string, string>;
}

export const TUS = { 'Tus-Resumable': '1.0.0' } as const;
export const OCTET = { 'Content-Type': 'application/offset+octet-stream' } as const;

export function send(method: string, url: string, options: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    const chunked = options.trailers !== undefined;
    if (options.body !== undefined && !chunked) {
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    const req = request(url, { method, headers, agent: false, timeout: 10_000 }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 10 s`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    if (chunked) req.addTrailers(options.trailers ?? {});
    req.end();
  });
}

/** POST to `endpoint` with `headers` (Tus-Resumable added); resolves with the Location. */
export async function create(endpoint: string, headers: Record<string, string>): Promise<string> {
  const response = await send('POST', endpoint, { headers: { ...TUS, ...headers } });
  if (response.status !== 201 || typeof response.headers.location !== 'string') {
    throw new Error(`POST ${endpoint}: ${response.status} ${response.body}`);
  }
  return new URL(response.headers.location, endpoint).href;
}

/** PATCH `body` at `offset` (Tus-Resumable and Content-Type added). */
export function patch(
  url: string,
  offset: number,
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return send('PATCH', url, {
    headers: { ...TUS, ...OCTET, 'Upload-Offset': String(offset), ...headers },
    body,
  });
}
