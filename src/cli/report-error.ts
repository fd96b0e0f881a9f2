/**
 * Errors → one line for people (the full cause chain with `--verbose`) and an exit code.
 * Exit codes: 0 done, 1 a network/server/input failure, 2 a bad flag or argument,
 * 130 interrupted (Ctrl-C).
 */
import { isTusError, redactUrl, type TusError } from '../index.node.js';
import { showUrlsIn } from './show-url.js';
import { terminalText } from './terminal-text.js';
import { CliUsageError, NotStoredError } from './units.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliUsageError) return EXIT_USAGE;
  if (isTusError(error) && error.code === 'TUS_ERR_ABORTED') return EXIT_INTERRUPTED;
  return EXIT_FAILURE;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

/** The first error in the chain (the error itself first) that knows its request. */
function requestDetails(error: unknown): TusError | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && !seen.has(e); e = causeOf(e)) {
    seen.add(e);
    if (isTusError(e) && e.url !== undefined) return e;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A single line: the error's message, plus method, URL and status when it lacks them. */
export function describeError(error: unknown): string {
  const message = messageOf(error).split('\n')[0] ?? '';
  const request = requestDetails(error);
  if (request === undefined || request.url === undefined || message.includes(request.url)) {
    const code = (error as { code?: unknown } | null)?.code;
    // Node system errors (ECONNREFUSED, ENOENT...) without a TusError around them.
    const system = !isTusError(error) && !(error instanceof NotStoredError);
    if (system && typeof code === 'string' && !message.includes(code)) {
      return `${message} (${code})`;
    }
    return message;
  }
  const status = request.status === undefined ? '' : `: ${request.status}`;
  return `${message} (${request.method ?? 'request'} ${request.url}${status})`;
}

/** The first error in the chain whose response was an HTML page. */
function htmlAnswer(error: unknown): TusError | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && !seen.has(e); e = causeOf(e)) {
    seen.add(e);
    if (!isTusError(e)) continue;
    const type = e.responseHeaders?.['content-type'] ?? '';
    const body = (e.responseBody ?? '').trimStart().slice(0, 64).toLowerCase();
    if (/text\/html|application\/xhtml/i.test(type) || /^<(!doctype html|html)/.test(body))
      return e;
  }
  return undefined;
}

/** The first error in the chain that is a HEAD answered 2xx without a tus header it needs. */
function notAnUpload(error: unknown): TusError | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && !seen.has(e); e = causeOf(e)) {
    seen.add(e);
    if (!isTusError(e) || e.code !== 'TUS_ERR_PROTOCOL' || e.method !== 'HEAD') continue;
    const ok = e.status !== undefined && e.status >= 200 && e.status < 300;
    if (ok && /\b(Upload-Offset|Upload-Length|Tus-Resumable)\b.*\bmissing\b/.test(e.message)) {
      return e;
    }
  }
  return undefined;
}

/**
 * Lines that suggest what is wrong: an HTML page where a tus server was expected; a URL
 * whose HEAD answer has none of an upload's headers.
 */
export function hintLines(error: unknown): string[] {
  const html = htmlAnswer(error);
  if (html !== undefined) {
    const where = html.url === undefined ? 'the server' : redactUrl(html.url);
    return [
      `hint: ${where} answered with an HTML page, not a tus response: is this a tus endpoint? (our server's is http://HOST:PORT/files/)`,
    ];
  }
  const head = notAnUpload(error);
  if (head !== undefined) {
    const where = head.url === undefined ? 'the URL' : redactUrl(head.url);
    return [
      `hint: ${where} does not look like a tus upload (its answer lacks the headers of one): check the URL; an upload URL is what upload printed, and resumable-upload list shows the stored ones`,
    ];
  }
  return [];
}

/** The one-line message (and any hint), then with `verbose` every cause and the root's stack. */
export function errorLines(error: unknown, verbose: boolean): string[] {
  const lines = [`error: ${showUrlsIn(describeError(error))}`, ...hintLines(error)];
  if (!verbose) return lines.map(terminalText);
  const seen = new Set<unknown>([error]);
  let last: unknown = error;
  const detail = (e: unknown, indent: string) => {
    if (!isTusError(e)) return;
    lines.push(`${indent}code: ${e.code}`);
    if (e.method !== undefined || e.url !== undefined) {
      const status = e.status === undefined ? '' : ` → ${e.status}`;
      lines.push(
        `${indent}request: ${e.method ?? '?'} ${e.url === undefined ? '?' : redactUrl(e.url)}${status}`,
      );
    }
    if (e.responseBody !== undefined && e.responseBody !== '') {
      const body = e.responseBody.replace(/\s+/g, ' ').trim();
      const cut = body.length > 200 ? `${body.slice(0, 200)}…` : body;
      lines.push(`${indent}response: ${showUrlsIn(cut)}`);
    }
  };
  detail(error, '  ');
  for (let e = causeOf(error); e !== undefined && !seen.has(e); e = causeOf(e)) {
    seen.add(e);
    last = e;
    const name = e instanceof Error ? e.name : typeof e;
    const code = (e as { code?: unknown } | null)?.code;
    const suffix = !isTusError(e) && typeof code === 'string' ? ` [${code}]` : '';
    lines.push(`  caused by: ${name}: ${showUrlsIn(messageOf(e))}${suffix}`);
    detail(e, '    ');
  }
  if (last instanceof Error && last.stack !== undefined && !isTusError(last)) {
    for (const line of last.stack.split('\n').slice(1, 8)) lines.push(`  ${line.trim()}`);
  }
  // A server's words (its body, headers, Location) are in these lines: none may act.
  return lines.map(terminalText);
}
