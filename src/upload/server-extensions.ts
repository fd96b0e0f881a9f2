/**
 * What the server offers, as an uploader needs it: the checksum algorithm to use, and
 * extensions an operation cannot do without (a typed error before any upload request).
 */
import type { ChecksumProvider } from '../checksum/checksum-provider.js';
import {
  TusChecksumUnsupportedError,
  TusError,
  TusExtensionUnsupportedError,
} from '../errors/index.js';
import type { ResolvedClientOptions } from '../options.js';
import { CHECKSUM_ALGORITHMS } from '../protocol/checksum.js';
import { displayUrl } from '../protocol/location.js';
import type { ChecksumAlgorithm, ServerInfo } from '../types.js';
import type { ProtocolFeature, UploadProtocol } from './protocols/upload-protocol.js';

/** The part of an uploader's context these checks read. */
export interface ServerFacts {
  readonly endpoint: string;
  readonly checksum: ChecksumProvider;
  readonly options: ResolvedClientOptions;
  readonly protocol: UploadProtocol;
  serverInfo(signal?: AbortSignal): Promise<ServerInfo>;
}

/**
 * A typed error unless the server can do `feature` in this protocol: the extension it
 * needs is advertised, or the protocol always has it. `purpose` completes "needed …".
 */
export async function requireFeature(
  ctx: ServerFacts,
  feature: ProtocolFeature,
  purpose: string,
  signal?: AbortSignal,
): Promise<void> {
  if (ctx.protocol.settle !== undefined) await ctx.protocol.settle(signal);
  const needs = ctx.protocol.requires(feature);
  if (needs === true) return;
  if (needs === false) {
    throw new TusExtensionUnsupportedError(
      `the ${ctx.protocol.name} protocol has no ${feature}, needed ${purpose}`,
      feature,
      [],
    );
  }
  await requireExtension(ctx, needs, purpose, signal);
}

/** Whether the server can do `feature` in this protocol (a server without OPTIONS: no). */
export async function offersFeature(
  ctx: ServerFacts,
  feature: ProtocolFeature,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (ctx.protocol.settle !== undefined) await ctx.protocol.settle(signal);
  const needs = ctx.protocol.requires(feature);
  return typeof needs === 'boolean' ? needs : offersExtension(ctx, needs, signal);
}

/**
 * A `TusExtensionUnsupportedError` unless the server advertises `extension` in
 * `Tus-Extension`. `purpose` completes "the server lacks X, needed …".
 */
export async function requireExtension(
  ctx: ServerFacts,
  extension: string,
  purpose: string,
  signal?: AbortSignal,
): Promise<void> {
  const info = await ctx.serverInfo(signal);
  if (info.extensions.includes(extension)) return;
  const offered = info.extensions.length === 0 ? 'none' : info.extensions.join(', ');
  throw new TusExtensionUnsupportedError(
    `${displayUrl(ctx.endpoint)} lacks the tus extension ${extension}, needed ${purpose} (it offers: ${offered})`,
    extension,
    info.extensions,
  );
}

/** Whether the server offers `extension`; a server that does not answer OPTIONS offers none. */
export async function offersExtension(
  ctx: ServerFacts,
  extension: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  try {
    return (await ctx.serverInfo(signal)).extensions.includes(extension);
  } catch (error) {
    if (signal?.aborted || !(error instanceof TusError)) throw error;
    return false;
  }
}

/** The checksum algorithm to send with every PATCH, or `undefined` for none. */
export async function chooseChecksum(
  ctx: ServerFacts,
  signal: AbortSignal | undefined,
): Promise<ChecksumAlgorithm | undefined> {
  const wanted = ctx.options.checksum;
  if (wanted === false) return undefined;
  if (ctx.protocol.settle !== undefined) await ctx.protocol.settle(signal);
  const own = ctx.protocol.checksumAlgorithms;
  if (own !== undefined) return chooseOwnChecksum(ctx, own, wanted);
  let info: ServerInfo;
  try {
    info = await ctx.serverInfo(signal);
  } catch (error) {
    // A server that does not answer OPTIONS has no checksum extension we could use.
    if (wanted === true && !signal?.aborted && error instanceof TusError) {
      return undefined;
    }
    throw error;
  }
  const offered = info.extensions.includes('checksum') ? info.checksumAlgorithms : [];
  const { checksum } = ctx;
  if (wanted === true) return preferredChecksum(checksum, offered);
  if (!offered.includes(wanted)) {
    const what =
      offered.length === 0 ? 'has no checksum extension' : `offers only ${offered.join(', ')}`;
    throw new TusChecksumUnsupportedError(
      `checksum ${wanted} is not offered by ${displayUrl(ctx.endpoint)}: the server ${what}`,
      wanted,
      offered,
    );
  }
  if (!checksum.supports(wanted)) {
    throw new TusChecksumUnsupportedError(
      `checksum ${wanted} cannot be computed on this platform`,
      wanted,
      offered,
    );
  }
  return wanted;
}

/** The algorithm of a protocol that sends digests without asking the server (the draft). */
function chooseOwnChecksum(
  ctx: ServerFacts,
  own: readonly ChecksumAlgorithm[],
  wanted: true | ChecksumAlgorithm,
): ChecksumAlgorithm | undefined {
  const { checksum } = ctx;
  if (wanted === true) return own.find((a) => checksum.supports(a));
  if (!own.includes(wanted) || !checksum.supports(wanted)) {
    throw new TusChecksumUnsupportedError(
      `checksum ${wanted} cannot be sent by the ${ctx.protocol.name} protocol on this platform`,
      wanted,
      own.filter((a) => checksum.supports(a)),
    );
  }
  return wanted;
}

/**
 * The algorithm `chooseChecksum` will most likely settle on, known without a request: the
 * one asked for, or with `checksum: true` the first this platform computes (the server
 * usually offers it). `undefined` when none is wanted or the protocol chooses its own.
 * Only a guess, for work done ahead (creation-lookahead.ts); never sent on its own.
 */
export function likelyChecksum(ctx: ServerFacts): ChecksumAlgorithm | undefined {
  const wanted = ctx.options.checksum;
  if (wanted === false || ctx.protocol.checksumAlgorithms !== undefined) return undefined;
  if (wanted === true) return preferredChecksum(ctx.checksum);
  return ctx.checksum.supports(wanted) ? wanted : undefined;
}

/** `checksum: true`'s pick: the first of our preference this platform computes, among `offered`. */
function preferredChecksum(
  checksum: ChecksumProvider,
  offered: readonly string[] = CHECKSUM_ALGORITHMS,
): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((a) => offered.includes(a) && checksum.supports(a));
}
