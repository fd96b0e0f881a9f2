/**
 * Which origin the credential headers of `--header` belong to, for a command that works on
 * an upload URL (`resume`, `list --check`, `info`, `delete`): the headers go only to the
 * origin of the endpoint they were given for, as the library keeps them for `upload`
 * (`sendCredentialsTo: 'endpoint-origin'`). An upload URL may be on another host (a storage
 * node, a signed URL): a token for the endpoint must not reach it.
 *
 * The endpoint is, in this order: `--endpoint` as given; the one the URL store kept with
 * the upload; the URL's own origin when the user named the URL on the command line (the
 * headers were then given for it). An entry stored by an earlier version (no endpoint) and
 * found through the store alone has none: its requests carry no credential header.
 */
import type { ClientFlags } from './client-options.js';
import { parseHeader } from './flag-values.js';

/** The library's credential headers (`CREDENTIAL_HEADERS`), lower-case. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

export interface ScopeSources {
  /** `--endpoint`, when given. */
  given?: string | undefined;
  /** The endpoint stored with the upload, when the store has one. */
  stored?: string | undefined;
  /** The user typed the upload URL (`--url`, `info URL`): the headers were given for it. */
  named: boolean;
}

export interface CredentialScope {
  /** The client's endpoint: credentials go to its origin only. */
  endpoint: string;
  /** The flags for that client (credential headers removed when no endpoint is known). */
  flags: ClientFlags;
  /** The credential headers left out, by name (none when the endpoint is known). */
  withheld: string[];
}

/** The folder of `uploadUrl`: an endpoint of its own origin. */
export function folderOf(uploadUrl: string): string {
  return new URL('.', uploadUrl).href;
}

/** The client endpoint and flags for requests to `uploadUrl` (see the module's comment). */
export function credentialScope(
  uploadUrl: string,
  sources: ScopeSources,
  flags: ClientFlags,
): CredentialScope {
  const endpoint =
    sources.given ?? sources.stored ?? (sources.named ? folderOf(uploadUrl) : undefined);
  if (endpoint !== undefined) return { endpoint, flags, withheld: [] };
  const withheld: string[] = [];
  const header = flags.header.filter((text) => {
    const name = nameOf(text);
    if (name === undefined || !CREDENTIAL_HEADERS.has(name.toLowerCase())) return true;
    withheld.push(name);
    return false;
  });
  return { endpoint: folderOf(uploadUrl), flags: { ...flags, header }, withheld };
}

/** The name of a `--header` value; `undefined` for a bad one (a usage error later). */
function nameOf(text: string): string | undefined {
  try {
    return parseHeader(text)[0];
  } catch {
    return undefined;
  }
}

/** The note that says credentials were withheld from `uploadUrl`, and how to send them. */
export function withheldNote(what: string, uploadUrl: string, scope: CredentialScope): string {
  const origin = new URL(uploadUrl).origin;
  return `note: ${what} was stored without the endpoint it was created at (by an earlier version): ${scope.withheld.join(', ')} not sent to ${origin}; to send it there, give --endpoint with the URL you uploaded to`;
}
