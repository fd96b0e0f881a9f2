/** `terminalText` and `jsonText` (issue 25.8): no control character reaches a terminal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonText, terminalText } from '../../../src/cli/terminal-text.js';

describe('terminalText', () => {
  it('escapes every C0 control, DEL, every C1 control and the bidi controls', () => {
    for (let code = 0; code < 0xa0; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const shown = terminalText(`a${String.fromCharCode(code)}b`);
      assert.equal(shown, `a\\x${code.toString(16).padStart(2, '0')}b`, `U+${code.toString(16)}`);
    }
    for (const code of [0x61c, 0x200e, 0x200f, 0x202a, 0x202e, 0x2066, 0x2069]) {
      assert.equal(
        terminalText(String.fromCharCode(code)),
        `\\u${code.toString(16).padStart(4, '0')}`,
      );
    }
  });

  it('leaves printable text alone (accents, CJK, emoji, backslashes)', () => {
    const text = 'café 日本 🎉 C:\\path http://h/a%1B?x=1';
    assert.equal(terminalText(text), text);
  });

  it('an OSC 52 clipboard write and a window title come out inert', () => {
    assert.equal(
      terminalText('\x1b]52;c;cm0=\x07\x1b]0;t\x1b\\\x9b2J'),
      '\\x1b]52;c;cm0=\\x07\\x1b]0;t\\x1b\\\\x9b2J',
    );
  });
});

describe('jsonText', () => {
  it('is JSON that parses back to the same value, with no raw control character', () => {
    const value = { a: '\x1b[2J\x9b2J\u202e\x7f', b: ['\x00', 'plain'] };
    const text = jsonText(value);
    assert.deepEqual(JSON.parse(text), value);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});
