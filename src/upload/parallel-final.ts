/**
 * The final upload of the concatenation extension: `POST` with `Upload-Concat:
 * final;<url> <url>…`. When the server refuses it with 400, the partials are asked (HEAD)
 * so that the error names the ones that are not complete.
 */
import { TusCommunicationError, TusError } from '../errors/index.js';
import { buildConcatFinal } from '../protocol/concat.js';
import { parseIntegerHeader, parseOptionalIntegerHeader } from '../protocol/integers.js';
import { displayUrl, resolveLocation } from '../protocol/location.js';
import type { UploaderContext } from './uploader.js';

/** Creates the final upload of `urls` (in order); resolves with its URL. */
export async function createFinal(
  ctx: UploaderContext,
  urls: readonly string[],
  metadataHeader: string | undefined,
  signal: AbortSignal | undefined,
): Promise<string> {
  const { endpoint, requester } = ctx;
  const headers: Record<string, string> = { 'Upload-Concat': buildConcatFinal(urls) };
  if (metadataHeader !== undefined && metadataHeader !== '') {
    headers['Upload-Metadata'] = metadataHeader;
  }
  let response: Awaited<ReturnType<typeof requester.send>>;
  try {
    response = await requester.sendExpecting('POST', endpoint, [201], { headers, signal });
  } catch (error) {
    if (error instanceof TusCommunicationError && error.status === 400 && !signal?.aborted) {
      throw await explainRefusal(ctx, error, urls, signal);
    }
    throw error;
  }
  const details = { method: 'POST', url: displayUrl(endpoint), status: response.status };
  return resolveLocation(response.headers.location, endpoint, details);
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
    const response = await ctx.requester.send('HEAD', url, { signal });
    if (response.status !== 200 && response.status !== 204) {
      return `answers HEAD with ${response.status}`;
    }
    const details = { method: 'HEAD', url: displayUrl(url), status: response.status };
    const h = response.headers;
    const offset = parseIntegerHeader('Upload-Offset', h['upload-offset'], details);
    const length = parseOptionalIntegerHeader('Upload-Length', h['upload-length'], details);
    if (length === undefined) return `is incomplete (holds ${offset} bytes, length deferred)`;
    if (offset < length) return `is incomplete (holds ${offset} of ${length} bytes)`;
    return undefined;
  } catch (cause) {
    if (cause instanceof TusError) return `could not be checked (${cause.message})`;
    throw cause;
  }
}
