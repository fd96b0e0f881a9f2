/**
 * `protocol: 'auto'`: the newest protocol both this client and the server speak, learnt
 * from the server's OPTIONS answer (asked once per client, the same answer `getServerInfo`
 * and the tus extensions read): the newest interop version of the draft it lists in
 * `Upload-Draft-Interop-Versions` (or echoes in `Upload-Draft-Interop-Version`) that a
 * `protocol` value sends, else tus 1.0 (a server that names no draft version, or answers
 * OPTIONS with an error). Until then it is tus 1.0; every operation settles it first.
 */
import { TusError } from '../../errors/index.js';
import {
  DRAFT_PROTOCOLS,
  draftProtocolOf,
  type InteropVersion,
} from '../../protocol/ietf/interop.js';
import type { ServerInfo } from '../../types.js';
import type { ProtocolName, UploadProtocol } from './upload-protocol.js';

/** The protocol `auto` picks for a server that speaks the draft versions `offered`. */
export function pickProtocol(offered: readonly number[]): ProtocolName {
  const ours = Object.values(DRAFT_PROTOCOLS) as InteropVersion[];
  const newest = offered
    .filter((v): v is InteropVersion => (ours as number[]).includes(v))
    .sort((a, b) => b - a)[0];
  return (newest === undefined ? undefined : draftProtocolOf(newest)) ?? 'tus-v1';
}

/**
 * An `UploadProtocol` that becomes the one `pick` returns for the server's OPTIONS answer
 * (`discover`); `make` builds a protocol module from its name. A failed discovery (the
 * network) is not kept: the next operation asks again.
 */
export function autoProtocol(
  discover: (signal?: AbortSignal) => Promise<ServerInfo>,
  make: (name: ProtocolName) => UploadProtocol,
): UploadProtocol {
  let current = make('tus-v1');
  let settled: Promise<void> | undefined;
  const settle = (signal?: AbortSignal): Promise<void> => {
    settled ??= discover(signal).then(
      (info) => {
        current = make(pickProtocol(info.draftVersions));
      },
      (error: unknown) => {
        // An error answer to OPTIONS: the server names no draft version (tus 1.0 stays).
        if (error instanceof TusError && error.status !== undefined && !signal?.aborted) return;
        settled = undefined;
        throw error;
      },
    );
    return settled;
  };
  return {
    get name() {
      return current.name;
    },
    get headers() {
      return current.headers;
    },
    get checksumAlgorithms() {
      return current.checksumAlgorithms;
    },
    settle,
    requires: (feature) => current.requires(feature),
    checkAnswer: (method, url, response) => current.checkAnswer(method, url, response),
    async create(requester, args) {
      await settle(args.signal);
      return current.create(requester, args);
    },
    async offset(requester, url, signal) {
      await settle(signal);
      return current.offset(requester, url, signal);
    },
    async append(requester, args) {
      await settle(args.signal);
      return current.append(requester, args);
    },
    async createFinal(requester, args) {
      await settle(args.signal);
      if (current.createFinal === undefined) {
        throw new TypeError(`the ${current.name} protocol has no concatenation`);
      }
      return current.createFinal(requester, args);
    },
  };
}
