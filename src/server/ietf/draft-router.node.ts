/**
 * The draft's side of our server's one endpoint: `TusServer` hands over every request that
 * names an interop version and no tus version (`isDraftRequest`), and this routes it by
 * method and target, under the rules of its interop version, turning refusals into the
 * draft's answers. OPTIONS stays with `TusServer` and gains `Upload-Limit` here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  INTEROP_HEADER,
  INTEROP_VERSIONS_HEADER,
  type InteropRules,
  interopRules,
  isInteropVersion,
} from '../../protocol/ietf/interop.js';
import { parseNonNegativeIntegerItem } from '../../protocol/ietf/structured-fields.js';
import { formatUploadLimit } from '../../protocol/ietf/upload-limit.js';
import type { Reply, ServerContext } from '../server-context.js';
import type { ResolvedServerOptions } from '../server-options.js';
import { refuse, TusServerRequestError } from '../upload-record.js';
import { createDraftUpload } from './draft-create.node.js';
import { refusalReply, serverLimits } from './draft-reply.js';
import { requestVersion } from './draft-request.js';
import { appendToUpload, cancelUpload, retrieveOffset } from './draft-upload.node.js';

export { isDraftRequest } from './draft-request.js';

export async function routeDraft(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  target: 'collection' | { id: string },
): Promise<Reply | undefined> {
  let rules: InteropRules | undefined;
  try {
    rules = interopRules(requestVersion(req.headers, context.options.draftVersions));
    const reply = await dispatch(context, req, res, method, target, rules);
    if (reply === undefined) return undefined;
    return { ...reply, headers: { [INTEROP_HEADER]: String(rules.version), ...reply.headers } };
  } catch (error) {
    if (error instanceof TusServerRequestError) return refusalReply(error, rules);
    throw error;
  }
}

function dispatch(
  context: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  target: 'collection' | { id: string },
  rules: InteropRules,
): Promise<Reply | undefined> {
  if (target === 'collection') {
    if (method === 'POST') return createDraftUpload(context, req, res, rules);
    refuse(405, `${method} is not allowed on ${context.options.path}`, { Allow: 'POST, OPTIONS' });
  }
  const { id } = target;
  if (method === 'HEAD' || method === 'GET') return retrieveOffset(context, req, id, rules);
  if (method === 'PATCH') return appendToUpload(context, req, id, rules);
  if (method === 'DELETE') return cancelUpload(context, req, id, rules);
  refuse(405, `${method} is not allowed on an upload`, {
    Allow: 'HEAD, GET, PATCH, DELETE, OPTIONS',
  });
}

/**
 * The draft's part of an OPTIONS answer. `Upload-Limit` (the draft requires it of a resource
 * that creates uploads): under the lifetime key of the interop version the request names,
 * the newest one's when it names none (a browser's preflight cannot); none for interop 5.
 * `Upload-Draft-Interop-Versions` (ours, not the draft's: a List of the versions this server
 * speaks, newest first) lets a client pick one (`protocol: 'auto'`); and a request naming a
 * version spoken here has it echoed in `Upload-Draft-Interop-Version`. Nothing when the
 * server speaks no draft version.
 */
export function optionsDraftHeaders(
  options: ResolvedServerOptions,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const spoken = options.draftVersions;
  const newest = spoken[0];
  if (newest === undefined) return {};
  const named = headers[INTEROP_HEADER.toLowerCase()];
  const version = parseNonNegativeIntegerItem(typeof named === 'string' ? named : undefined);
  const asked = isInteropVersion(version) && spoken.includes(version) ? version : undefined;
  const result: Record<string, string> = { [INTEROP_VERSIONS_HEADER]: spoken.join(', ') };
  if (asked !== undefined) result[INTEROP_HEADER] = String(asked);
  const key = interopRules(asked ?? newest).lifetimeKey;
  if (key !== undefined) result['Upload-Limit'] = formatUploadLimit(serverLimits(options), key);
  return result;
}
