/**
 * The requests that are not uploads, as the client's methods use them: an upload's state
 * (`getUploadInfo`, through the protocol's offset retrieval, retried like any request) and
 * the server's OPTIONS answer, asked once per endpoint.
 */
import { displayUrl } from '../protocol/location.js';
import { decodeMetadata, type MetadataEncoding } from '../protocol/metadata.js';
import { parseServerInfo } from '../protocol/server-info.js';
import type { ServerInfo, UploadInfo } from '../types.js';
import type { UploadProtocol } from './protocols/upload-protocol.js';
import type { Requester } from './requester.js';

/** `{ offset, length, complete, metadata }` of the upload at `url` (checked already). */
export async function uploadInfoOf(
  requester: Requester,
  protocol: UploadProtocol,
  url: string,
  encoding: MetadataEncoding,
  signal: AbortSignal | undefined,
): Promise<UploadInfo> {
  const state = await requester.retrying('HEAD', url, signal, () =>
    protocol.offset(requester, url, signal),
  );
  const { offset, length } = state;
  return {
    offset,
    length,
    complete: state.complete ?? (length !== undefined && offset >= length),
    metadata: decodeMetadata(state.metadataHeader, encoding, {
      method: 'HEAD',
      url: displayUrl(url),
    }),
  };
}

/** OPTIONS once per endpoint; a failure is not kept, so the next call asks again. */
export class ServerInfoCache {
  readonly #answers = new Map<string, Promise<ServerInfo>>();

  get(requester: Requester, endpoint: string, signal?: AbortSignal): Promise<ServerInfo> {
    const cached = this.#answers.get(endpoint);
    if (cached !== undefined) return cached;
    const pending = requester
      .sendExpecting('OPTIONS', endpoint, [200, 204], { signal })
      .then((response) =>
        parseServerInfo(response.headers, {
          method: 'OPTIONS',
          url: displayUrl(endpoint),
          status: response.status,
        }),
      );
    this.#answers.set(endpoint, pending);
    pending.catch(() => {
      if (this.#answers.get(endpoint) === pending) this.#answers.delete(endpoint);
    });
    return pending;
  }
}

/**
 * `headers` less the names (any case) that `over` has, then `over`: so a call's
 * `authorization` replaces the client's `Authorization`.
 */
export function headersOver(
  headers: Readonly<Record<string, string>>,
  over: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const names = new Set(Object.keys(over).map((name) => name.toLowerCase()));
  return Object.freeze({
    ...Object.fromEntries(
      Object.entries(headers).filter(([name]) => !names.has(name.toLowerCase())),
    ),
    ...over,
  });
}
