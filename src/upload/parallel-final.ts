/**
 * The final upload of the concatenation extension, through the protocol module
 * (`createFinal`; tus: `POST` with `Upload-Concat: final;<url> <url>…`), retried as any
 * request. When the server refuses it with 400, the partials' offsets are asked so that the
 * error names the ones that are not complete.
 */
import { TusCommunicationError, TusError } from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';
import type { UploaderContext } from './uploader.js';

/** Creates the final upload of `urls` (in order); resolves with its URL. */
export async function createFinal(
  ctx: UploaderContext,
  urls: readonly string[],
  metadataHeader: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string> {
  const { protocol, requester, endpoint } = ctx;
  if (protocol.createFinal === undefined) {
    // requireFeature('concatenation') refuses such a protocol before any request.
    throw new TypeError(`the ${protocol.name} protocol has no concatenation`);
  }
  try {
    const create = protocol.createFinal.bind(protocol);
    return await requester.retrying('POST', endpoint, signal, () =>
      create(requester, { endpoint, urls, metadataHeader, signal }),
    );
  } catch (error) {
    if (error instanceof TusCommunicationError && error.status === 400 && !signal?.aborted) {
      throw await explainRefusal(ctx, error, urls, signal);
    }
    throw error;
  }
}

/** The 400 of a final upload, with the partials that HEAD says are incomplete or gone. */
async function explainRefusal(
  ctx: UploaderContext,
  error: TusCommunicationError,
  urls: readonly string[],
  signal: AbortSignal | undefined,
): Promise<TusCommunicationError> {
  const problems: string[] = [];
  for (const url of urls) {
    const problem = await partialProblem(ctx, url, signal);
    if (problem !== undefined) problems.push(`${displayUrl(url)} ${problem}`);
  }
  const why =
    problems.length === 0
      ? 'every partial upload looks complete, so the server refused it for another reason'
      : `a final upload needs complete partial uploads: ${problems.join('; ')}`;
  return new TusCommunicationError(`${error.message}: ${why}`, {
    method: error.method,
    url: error.url,
    status: error.status,
    responseHeaders: error.responseHeaders,
    responseBody: error.responseBody,
    cause: error,
  });
}

/** What is wrong with one partial upload, or `undefined` when it is complete. */
async function partialProblem(
  ctx: UploaderContext,
  url: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  try {
    const { offset, length } = await ctx.protocol.offset(ctx.requester, url, signal);
    if (length === undefined) return `is incomplete (holds ${offset} bytes, length deferred)`;
    if (offset < length) return `is incomplete (holds ${offset} of ${length} bytes)`;
    return undefined;
  } catch (cause) {
    if (cause instanceof TusCommunicationError && cause.status !== undefined) {
      return `answers HEAD with ${cause.status}`;
    }
    if (cause instanceof TusError) return `could not be checked (${cause.message})`;
    throw cause;
  }
}
