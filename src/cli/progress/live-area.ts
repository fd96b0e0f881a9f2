/**
 * The redrawn area at the bottom of a terminal: a few lines (the progress bars) that are
 * drawn again in place, and lines written above them that stay (URLs, results, errors).
 *
 * Why not cli-progress: it turns the terminal's line wrapping off while it draws, so a
 * logged line wider than the terminal was cut, and its cursor arithmetic then overdrew the
 * next line. Here the area's own lines are cut to fit (one screen row each, so moving up
 * `rows - 1` rows always lands on the first of them), and a line written above is written
 * whole, wrapping as the terminal likes: it is never part of what is redrawn.
 */
import type { TextSink } from './progress-types.js';

const ESC = '\x1b[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const CLEAR_DOWN = `${ESC}J`;

/** Columns of a code point on a terminal: 2 for East Asian wide ones, 0 for combining. */
function columnsOf(codePoint: number): number {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0;
  if (codePoint >= 0x300 && codePoint <= 0x36f) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** `text` cut to at most `width` terminal columns (an ellipsis marks the cut). */
export function fitColumns(text: string, width: number): string {
  let used = 0;
  let out = '';
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? '';
    const w = columnsOf(char.codePointAt(0) ?? 0);
    if (used + w > width) {
      // Make room for the ellipsis.
      while (used + 1 > width && out.length > 0) {
        const last = [...out].at(-1) ?? '';
        out = out.slice(0, out.length - last.length);
        used -= columnsOf(last.codePointAt(0) ?? 0);
      }
      return width >= 1 ? `${out}…` : out;
    }
    used += w;
    out += char;
  }
  return out;
}

export class LiveArea {
  #lines: readonly string[] = [];
  /** Rows drawn now (each area line is one row). */
  #drawn = 0;
  #stopped = false;

  constructor(private readonly sink: TextSink) {}

  /** Replaces the area's lines and draws them. */
  draw(lines: readonly string[]): void {
    if (this.#stopped) return;
    this.#lines = lines;
    this.sink.write(this.#clearText() + this.#areaText());
  }

  /** Writes `line` (any width) above the area, to `target` (the area's sink by default). */
  writeAbove(line: string, target: TextSink = this.sink): void {
    if (this.#stopped) {
      target.write(`${line}\n`);
      return;
    }
    if (target === this.sink) {
      this.sink.write(`${this.#clearText()}${line}\n${this.#areaText()}`);
      return;
    }
    // Another stream on the same terminal (stdout above stderr's bars).
    this.sink.write(this.#clearText());
    this.#drawn = 0;
    target.write(`${line}\n`);
    this.sink.write(this.#areaText());
  }

  /** Removes the area from the screen and shows the cursor again; safe to call twice. */
  stop(): void {
    if (this.#stopped) return;
    this.sink.write(`${this.#clearText()}${SHOW_CURSOR}`);
    this.#stopped = true;
  }

  /** Moves to the first row of the area and clears from there down. */
  #clearText(): string {
    if (this.#drawn === 0) return '';
    const up = this.#drawn > 1 ? `${ESC}${this.#drawn - 1}A` : '';
    this.#drawn = 0;
    return `\r${up}${CLEAR_DOWN}`;
  }

  /** The area's lines, each cut to one row; the cursor stays at the end of the last. */
  #areaText(): string {
    if (this.#lines.length === 0) return '';
    const width = Math.max(10, (this.sink.columns ?? 80) - 1);
    this.#drawn = this.#lines.length;
    return HIDE_CURSOR + this.#lines.map((line) => fitColumns(line, width)).join('\n');
  }
}
