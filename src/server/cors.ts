/**
 * CORS answers: none unless the request's `Origin` is allowed (`allowedOrigins`, empty by
 * default: no web page of another origin may use the server). Pure.
 */
import { DRAFT_REQUEST_HEADERS, DRAFT_RESPONSE_HEADERS } from './ietf/draft-headers.js';

const TUS_HEADERS = [
  'Upload-Offset',
  'Upload-Length',
  'Upload-Defer-Length',
  'Upload-Metadata',
  'Upload-Concat',
  'Upload-Checksum',
  'Upload-Expires',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
];
const ALLOW_HEADERS = [
  ...TUS_HEADERS,
  ...DRAFT_REQUEST_HEADERS,
  'Authorization',
  'Content-Type',
  'Cache-Control',
  'X-HTTP-Method-Override',
  'X-Requested-With',
  'X-Request-ID',
].join(', ');
const EXPOSE_HEADERS = [...TUS_HEADERS, ...DRAFT_RESPONSE_HEADERS, 'Location'].join(', ');
const METHODS = 'POST, HEAD, PATCH, DELETE, OPTIONS';

/** Whether a page of `origin` may read our answers. `'*'` allows all but the opaque `null`. */
export function originAllowed(origin: string, allowed: '*' | readonly string[]): boolean {
  if (allowed === '*') return origin !== 'null';
  return allowed.includes(origin);
}

/**
 * The CORS headers of an answer to a request from `origin` (`undefined`: no `Origin`
 * header); `preflight` adds what an `OPTIONS` preflight needs. Nothing for an origin that
 * is not allowed (the browser then hides the answer from the page).
 */
export function corsHeaders(
  origin: string | undefined,
  allowed: '*' | readonly string[],
  preflight: boolean,
  settings: { credentials?: boolean | undefined } = {},
): Record<string, string> {
  const none = allowed !== '*' && allowed.length === 0;
  if (origin === undefined || none) return {};
  if (!originAllowed(origin, allowed)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': EXPOSE_HEADERS,
    // Cookies of the page's origin may come along (allowCredentials; a listed origin only).
    ...(settings.credentials === true ? { 'Access-Control-Allow-Credentials': 'true' } : {}),
    Vary: 'Origin',
    ...(preflight
      ? {
          'Access-Control-Allow-Methods': METHODS,
          'Access-Control-Allow-Headers': ALLOW_HEADERS,
          'Access-Control-Max-Age': '86400',
        }
      : {}),
  };
}
