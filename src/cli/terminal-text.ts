/**
 * Text that another party wrote (a server's body, headers, `Location`, metadata, error
 * messages; a client's request line in `serve`'s log) made harmless for a terminal or a
 * log line: every control character is shown as an escape (`\x1b`, `\x9b`, `\u202e`)
 * instead of acting. A terminal acts on C0 controls (ESC starts the sequences that set the
 * window title, clear the screen, write the clipboard with OSC 52; CR and BS overwrite what
 * was printed, LF forges a line), DEL and the C1 controls (U+0080–U+009F: U+009B is CSI,
 * U+009D OSC), and bidirectional overrides reorder what is shown. None is needed in a line
 * the CLI prints, so none passes: tab and line breaks are escaped too.
 */

/** C0, DEL, C1, and the bidirectional marks, embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same less C0 (which `JSON.stringify` escapes itself). */
const JSON_UNESCAPED = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/** `text` with each control character written as an escape: safe to print as it is. */
export function terminalText(text: string): string {
  return text.replace(CONTROLS, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  });
}

/** `JSON.stringify(value)` with no control character left raw (C1 and bidi as `\uXXXX`). */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(
    JSON_UNESCAPED,
    (char) => `\\u${hex(char.charCodeAt(0), 4)}`,
  );
}
