/**
 * The URLs of uploads as clients reach them, and the other way round: which upload a URL
 * names. Pure (headers in, strings out).
 *
 * - With `publicUrl`, Locations are `<publicUrl>/<id>`: `Host` and forwarded headers are
 *   not believed for them.
 * - Else, with `trustProxy`, the scheme and host come from `Forwarded` (RFC 7239, its first
 *   element) or `X-Forwarded-Proto` / `X-Forwarded-Host`; else from `Host` and the socket.
 * - A URL naming an upload (a partial of a final concatenation) must be an http(s) URL of
 *   this server: on the public URL or on the request's own origin, under the uploads path,
 *   without credentials, query or fragment.
 */
import { isUploadId } from './upload-record.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

export interface UrlSettings {
  /** The uploads path on this server (`/files`). */
  path: string;
  publicUrl: string | undefined;
  trustProxy: boolean;
}

/** What a request tells about where it was sent. */
export interface RequestPlace {
  headers: Headers;
  /** Whether it came over TLS to this very process. */
  encrypted: boolean;
}

const HOST = /^[A-Za-z0-9.\-:[\]]+$/;
/** Origin used to read relative URLs when the request's own is not known. */
const UNKNOWN_ORIGIN = 'http://origin.invalid';

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const head = text?.split(',')[0]?.trim();
  return head === undefined || head === '' ? undefined : head;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** `proto` and `host` of the first element of `Forwarded`, else of `X-Forwarded-*`. */
function forwarded(headers: Headers): { proto?: string; host?: string } {
  const element = first(headers.forwarded);
  if (element !== undefined) {
    const found: { proto?: string; host?: string } = {};
    for (const pair of element.split(';')) {
      const at = pair.indexOf('=');
      const key = pair.slice(0, at).trim().toLowerCase();
      const value = unquote(pair.slice(at + 1).trim());
      if (at > 0 && (key === 'proto' || key === 'host')) found[key] = value;
    }
    return found;
  }
  const proto = first(headers['x-forwarded-proto']);
  const host = first(headers['x-forwarded-host']);
  return { ...(proto === undefined ? {} : { proto }), ...(host === undefined ? {} : { host }) };
}

/** The origin (`https://host:port`) the request reached, as far as it may be believed. */
export function requestOrigin(place: RequestPlace, trustProxy: boolean): string | undefined {
  const told = trustProxy ? forwarded(place.headers) : {};
  const proto = told.proto?.toLowerCase();
  const scheme = proto === 'http' || proto === 'https' ? proto : place.encrypted ? 'https' : 'http';
  const host =
    told.host !== undefined && HOST.test(told.host) ? told.host : first(place.headers.host);
  if (host === undefined || !HOST.test(host)) return undefined;
  return `${scheme}://${host}`;
}

function pathPrefix(path: string): string {
  return path === '/' ? '' : path;
}

/** The URL of upload `id`: absolute when the origin is known, else the path alone. */
export function uploadUrl(place: RequestPlace, settings: UrlSettings, id: string): string {
  if (settings.publicUrl !== undefined) return `${settings.publicUrl}/${id}`;
  const origin = requestOrigin(place, settings.trustProxy);
  return `${origin ?? ''}${pathPrefix(settings.path)}/${id}`;
}

/** The id `text` names when it is a URL of an upload of this server, else `undefined`. */
export function uploadIdFromUrl(
  text: string,
  place: RequestPlace,
  settings: UrlSettings,
): string | undefined {
  const own = requestOrigin(place, settings.trustProxy) ?? UNKNOWN_ORIGIN;
  let url: URL;
  try {
    url = new URL(text, own);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return undefined;
  }
  if (text.includes('?') || text.includes('#')) return undefined;
  const bases = [`${own}${pathPrefix(settings.path)}`];
  if (settings.publicUrl !== undefined) bases.push(settings.publicUrl);
  for (const base of bases) {
    const parsed = new URL(base);
    const prefix = `${parsed.pathname.replace(/\/$/, '')}/`;
    if (url.origin !== parsed.origin || !url.pathname.startsWith(prefix)) continue;
    const id = url.pathname.slice(prefix.length);
    if (isUploadId(id)) return id;
  }
  return undefined;
}
