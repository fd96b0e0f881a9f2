/**
 * A proxy's answer to `CONNECT`, read from the bytes received so far (pure: no I/O). Lines
 * end with LF, a CR before it optional (RFC 9112 §2.2 lets a recipient take a bare LF);
 * interim answers (1xx but 101) are skipped; the whole head, interim answers included, is
 * bounded. What follows the final
 * head is the tunnel's (the caller decides what it may be).
 */

/** The largest answer head (interim answers included) read before giving up, bytes. */
export const MAX_CONNECT_HEAD = 16_384;

export type ConnectAnswer =
  /** More bytes are needed. */
  | { readonly kind: 'incomplete' }
  /** The head passed `MAX_CONNECT_HEAD` bytes. */
  | { readonly kind: 'too-large' }
  /** The answer is not HTTP/1.x (`line`: its first line, cut short, for a message). */
  | { readonly kind: 'not-http'; readonly line: string }
  /** The final answer: its status and reason; `headEnd`: where its head ends in the bytes. */
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly reason: string;
      readonly headEnd: number;
    };

const STATUS_LINE = /^HTTP\/1\.[01] ([0-9]{3})(?: ([^\0\r\n]*))?$/;
const LF = 0x0a;
const CR = 0x0d;

/** What `bytes` (everything the proxy sent so far) says. */
export function readConnectAnswer(bytes: Uint8Array): ConnectAnswer {
  let start = 0;
  for (;;) {
    const end = headEnd(bytes, start);
    if (end === undefined) {
      return bytes.byteLength > MAX_CONNECT_HEAD ? { kind: 'too-large' } : { kind: 'incomplete' };
    }
    if (end > MAX_CONNECT_HEAD) return { kind: 'too-large' };
    const line = firstLine(bytes, start);
    const match = STATUS_LINE.exec(line);
    if (match === null) return { kind: 'not-http', line: shown(line) };
    const status = Number(match[1]);
    if (status >= 100 && status < 200 && status !== 101) {
      // An interim answer (RFC 9110 §15.2): the final one follows.
      start = end;
      continue;
    }
    return {
      kind: 'answer',
      status,
      reason: match[2]?.trim() ?? '',
      headEnd: end,
    };
  }
}

/** Where the head that starts at `start` ends (after its empty line), if it has. */
function headEnd(bytes: Uint8Array, start: number): number | undefined {
  for (let i = bytes.indexOf(LF, start); i !== -1; i = bytes.indexOf(LF, i + 1)) {
    let next = i + 1;
    if (bytes[next] === CR) next++;
    if (next >= bytes.byteLength) return undefined;
    if (bytes[next] === LF) return next + 1;
  }
  return undefined;
}

/** The line at `start`, without its LF or a CR before it. */
function firstLine(bytes: Uint8Array, start: number): string {
  const lf = bytes.indexOf(LF, start);
  let end = lf === -1 ? bytes.byteLength : lf;
  if (end > start && bytes[end - 1] === CR) end--;
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

/** At most 80 characters of `line`, control characters as `?`, for a message. */
function shown(line: string): string {
  const cut = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: those are what is replaced.
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
