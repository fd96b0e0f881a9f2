/**
 * A result as people and scripts read it: the plain line on stdout (`URL  FILE`, keyed
 * by the file so a batch can be paired with its input in any order), the `--json` object,
 * and the one-line summary that ends a batch on stderr.
 */
import { isTusError, redactUrl } from '../../index.node.js';
import { describeError } from '../report-error.js';
import { showUrlsIn } from '../show-url.js';
import { formatBytes, formatDuration } from '../units.js';
import { isOk, type TransferResult } from './job.js';

/** `http://host/files/ab  photos/a.jpg`, `… (already done)` when nothing was sent now. */
export function resultLine(result: TransferResult): string | undefined {
  if (!isOk(result) || result.url === undefined) return undefined;
  const mark = result.status === 'already-done' ? '  (already done)' : '';
  return `${redactUrl(result.url)}  ${result.job.name}${mark}`;
}

function codeOf(error: unknown): string {
  if (isTusError(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR';
}

/** `{ ok: false, error: {…} }` fields of any error. */
export function errorJson(error: unknown): Record<string, unknown> {
  return {
    code: codeOf(error),
    message: showUrlsIn(describeError(error)),
    method: isTusError(error) ? (error.method ?? null) : null,
    status: isTusError(error) ? (error.status ?? null) : null,
  };
}

export function resultJson(result: TransferResult): Record<string, unknown> {
  const base: Record<string, unknown> = {
    ok: isOk(result),
    status: result.status,
    file: result.job.name,
    url: result.url === undefined ? null : redactUrl(result.url),
    size: result.size ?? null,
  };
  const counts = {
    resumedFrom: result.resumedFrom,
    bytesSent: result.bytesSent,
    elapsedMs: Math.round(result.stats?.elapsedMs ?? 0),
    retries: result.stats?.retries ?? 0,
  };
  if (isOk(result)) {
    return { ...base, ...counts, checksum: result.stats?.checksumAlgorithm ?? null };
  }
  return { ...base, ...counts, error: errorJson(result.error) };
}

/** `203 files: 150 uploaded, 50 already done, 3 failed; sent 48.0 MiB in 12s`. */
export function summaryLine(
  results: readonly TransferResult[],
  total: number,
  elapsedMs: number,
): string {
  const count = (status: TransferResult['status']) =>
    results.filter((r) => r.status === status).length;
  const parts: string[] = [];
  const add = (n: number, label: string) => {
    if (n > 0) parts.push(`${n} ${label}`);
  };
  add(count('uploaded'), 'uploaded');
  add(count('resumed'), 'resumed');
  add(count('already-done'), 'already done');
  add(count('failed'), 'failed');
  add(count('interrupted'), 'interrupted');
  add(total - results.length, 'not started');
  const sent = results.reduce((sum, r) => sum + r.bytesSent, 0);
  const list = parts.length === 0 ? 'nothing to do' : parts.join(', ');
  return `${total} files: ${list}; sent ${formatBytes(sent)} in ${formatDuration(elapsedMs)}`;
}
