/**
 * Raw HTTP for driving a server by the IETF draft's rules by hand: one request on a fresh
 * connection, the final answer in full and every interim (1xx) answer before it, seen
 * through node:http's `information` event. A body can be cut off part way, as a client that
 * loses its connection would.
 */
import { type IncomingHttpHeaders, request } from 'node:http';

export interface Interim {
  status: number;
  headers: IncomingHttpHeaders;
}

export interface DraftResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Interim responses (104 and any other 1xx), in order. */
  interim: Interim[];
}

export interface DraftRequest {
  /** The interop version sent in Upload-Draft-Interop-Version; `null` sends none. */
  version?: number | null;
  headers?: Record<string, string>;
  body?: Uint8Array | string | undefined;
  /** Send the body without Content-Length (chunked). */
  chunked?: boolean;
}

function prepare(options: DraftRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.version !== null)
    headers['Upload-Draft-Interop-Version'] = String(options.version ?? 8);
  Object.assign(headers, options.headers);
  if (
    options.body !== undefined &&
    options.chunked !== true &&
    headers['Content-Length'] === undefined
  ) {
    headers['Content-Length'] = String(Buffer.byteLength(options.body));
  }
  return headers;
}

/** One draft request, resolved with its final answer and the interim ones before it. */
export function draft(
  method: string,
  url: string,
  options: DraftRequest = {},
): Promise<DraftResponse> {
  return new Promise((resolve, reject) => {
    const interim: Interim[] = [];
    const req = request(
      url,
      { method, headers: prepare(options), agent: false, timeout: 10_000 },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts).toString('utf8'),
            interim,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('information', (info) =>
      interim.push({ status: info.statusCode, headers: info.headers }),
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 10 s`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/**
 * Starts a request whose body is `length` bytes, sends `sent` of them, waits for the first
 * interim answer when `awaitInterim`, then cuts the connection. Resolves with the interim
 * answers seen (a cut request has no final one).
 */
export function draftCut(
  method: string,
  url: string,
  options: DraftRequest & { length: number; sent: Uint8Array; awaitInterim?: boolean },
): Promise<Interim[]> {
  return new Promise((resolve, reject) => {
    const interim: Interim[] = [];
    const headers = prepare({ ...options, body: undefined });
    headers['Content-Length'] = String(options.length);
    const req = request(url, { method, headers, agent: false });
    req.on('error', () => {});
    req.on('response', () => reject(new Error(`${method} ${url}: answered before it was cut`)));
    const cut = () => {
      req.destroy();
      resolve(interim);
    };
    req.on('information', (info) => {
      interim.push({ status: info.statusCode, headers: info.headers });
      if (options.awaitInterim === true) setImmediate(cut);
    });
    req.write(options.sent, () => {
      if (options.awaitInterim !== true) setTimeout(cut, 50);
    });
  });
}

/** A request whose body stays open: `sent` bytes of `length`, then silence until `cut()`. */
export function draftStuck(
  method: string,
  url: string,
  options: DraftRequest & { length: number; sent: Uint8Array },
): { written: Promise<void>; closed: Promise<void>; cut: () => void } {
  const headers = prepare({ ...options, body: undefined });
  headers['Content-Length'] = String(options.length);
  const req = request(url, { method, headers, agent: false });
  req.on('error', () => {});
  const closed = new Promise<void>((resolve) => req.on('close', () => resolve()));
  const written = new Promise<void>((resolve) => req.write(options.sent, () => resolve()));
  return { written, closed, cut: () => req.destroy() };
}
