/**
 * CORS for the bench's servers, so a page on another origin (the browser section) may
 * upload: the origin echoed when allowed, the tus headers exposed, a preflight allowed
 * for a day with whatever headers it asked for. Counts the preflights it sees.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CorsCounters {
  /** OPTIONS requests with Access-Control-Request-Method. */
  preflights: number;
}

const EXPOSE = [
  'Location',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Defer-Length',
  'Upload-Metadata',
  'Upload-Concat',
  'Upload-Expires',
].join(', ');

/** True when `req` is a CORS preflight. */
export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/** Sets the CORS headers on `res` when `req` comes from one of `origins`; counts preflights. */
export function allowCors(
  req: IncomingMessage,
  res: ServerResponse,
  origins: readonly string[],
  counters: CorsCounters,
): void {
  if (isPreflight(req)) counters.preflights++;
  const origin = req.headers.origin;
  if (origin === undefined || !origins.includes(origin)) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Expose-Headers', EXPOSE);
  if (isPreflight(req)) {
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, HEAD, PATCH, DELETE, OPTIONS');
    const asked = req.headers['access-control-request-headers'];
    if (typeof asked === 'string') res.setHeader('Access-Control-Allow-Headers', asked);
    res.setHeader('Access-Control-Max-Age', '86400');
  }
}
