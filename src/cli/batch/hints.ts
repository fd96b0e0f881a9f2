/**
 * The lines that tell people how to go on: resume a file, start it afresh, or fix what a
 * second run would meet again. Each must be one a user can follow: "run it again" only
 * where a second run may succeed (the network, a busy server), never after an answer that
 * will be the same (not a tus endpoint, refused credentials, a file too large).
 */
import { isTusError, redactUrl, type TusError } from '../../index.node.js';
import { shellQuote } from '../cli-io.js';
import type { TransferResult } from './job.js';

export interface HintSettings {
  /** `--store-file` as given (repeated in the hint), `undefined` for the default. */
  storeFile: string | undefined;
  /** The endpoint of the command's client: where credentials go, where uploads start. */
  endpoint: string;
}

function storeArg(settings: HintSettings): string {
  return settings.storeFile === undefined ? '' : ` --store-file ${shellQuote(settings.storeFile)}`;
}

/** Statuses after which the same request may well succeed. */
const PASSING = new Set([408, 423, 429, 500, 502, 503, 504]);
/** Codes of failures a second run may not meet (the link, a timeout). */
const TRANSIENT = new Set(['TUS_ERR_NETWORK', 'TUS_ERR_TIMEOUT', 'TUS_ERR_STALLED']);

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

/** The errors of the chain that are `TusError`s, the outer first. */
function tusErrors(error: unknown): TusError[] {
  const found: TusError[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && !seen.has(e); e = causeOf(e)) {
    seen.add(e);
    if (isTusError(e)) found.push(e);
  }
  return found;
}

/** Why no upload was created, as a hint; "run it again" only when that may help. */
export function notCreatedHint(name: string, error: unknown, endpoint: string): string {
  const prefix = `${name}: no upload was created`;
  const chain = tusErrors(error);
  // A refusal; a 2xx that a protocol error came from is no refusal (checked below).
  const answered = chain.find((e) => e.status !== undefined && e.status >= 400);
  const status = answered?.status;
  const where = redactUrl(answered?.url ?? endpoint);
  if (status === 401 || status === 403 || status === 407) {
    return `${prefix}: ${where} refused the request (${status}): check the credentials (--header, or the proxy's)`;
  }
  if (status === 404 || status === 405 || status === 501) {
    return `${prefix}: ${where} answered ${status}: it does not look like a tus endpoint; check the endpoint URL (our server's is http://HOST:PORT/files/; resumable-upload server-info --endpoint URL tells)`;
  }
  if (status === 413) {
    return `${prefix}: the server takes no file this large (413): see its limit with resumable-upload server-info --endpoint ${shellQuote(redactUrl(endpoint))}`;
  }
  if (status !== undefined && !PASSING.has(status)) {
    return `${prefix}: ${where} refused it (${status}); the same command would meet the same answer: fix what the error above says, then run it again`;
  }
  if (status === undefined && chain.some((e) => e.code === 'TUS_ERR_PROTOCOL')) {
    return `${prefix}: ${where} did not answer as a tus server does: check the endpoint URL (resumable-upload server-info --endpoint URL tells)`;
  }
  if (!mayPassAgain(error)) {
    return `${prefix}: fix what the error above says, then run the same command again`;
  }
  return `${prefix} yet: run the same command again`;
}

/** Whether the same request may succeed when sent again (the link, a busy server). */
export function mayPassAgain(error: unknown): boolean {
  const chain = tusErrors(error);
  if (chain.length === 0) return false;
  const status = chain.find((e) => e.status !== undefined && e.status >= 400)?.status;
  if (status !== undefined) return PASSING.has(status);
  return chain.some((e) => TRANSIENT.has(e.code));
}

/** Whether running the same command again goes on with `result` as things are. */
export function goesOnAgain(result: TransferResult): boolean {
  if (result.status === 'interrupted') return true;
  if (result.gone === true || !isTusError(result.error)) return false;
  return result.url !== undefined || mayPassAgain(result.error);
}

/** How to continue an unfinished file. */
export function resumeHint(result: TransferResult, settings: HintSettings): string {
  const name = result.job.name;
  if (result.job.path === undefined) {
    return `${name}: standard input cannot be resumed: send it again`;
  }
  if (result.url === undefined) return notCreatedHint(name, result.error, settings.endpoint);
  const file = shellQuote(name);
  if (result.stored) return `to resume: resumable-upload resume ${file}${storeArg(settings)}`;
  const shown = redactUrl(result.url);
  // An upload URL on another origin than the endpoint: --endpoint keeps the credentials
  // of --header to the endpoint's origin when resuming, as the upload did.
  const endpoint =
    new URL(result.url).origin === new URL(settings.endpoint).origin
      ? ''
      : ` --endpoint ${shellQuote(redactUrl(settings.endpoint))}`;
  if (shown === result.url) {
    return `to resume: resumable-upload resume ${file} --url ${shellQuote(shown)}${endpoint}`;
  }
  return `to resume: resumable-upload resume ${file} --url <the upload URL, not shown: it carries a credential; with the URL store on (the default), resume needs no --url>${endpoint}`;
}

/** The upload is gone from the server: how to start again (not how to resume it). */
export function goneHint(name: string, endpoint: string): string {
  return `${name}: the upload is gone from the server (expired or deleted): start afresh with resumable-upload upload ${shellQuote(name)} --endpoint ${shellQuote(redactUrl(endpoint))}`;
}
