/**
 * Structured Field Values for HTTP (RFC 9651), the parts the resumable-upload draft uses:
 * Items (`Upload-Complete: ?1`, `Upload-Offset: 42`) and Dictionaries (`Upload-Limit`,
 * `Content-Digest`, `Want-Repr-Digest`), parsed by the RFC's algorithms in full (every bare
 * item type, parameters, inner lists) so that a member we do not use is skipped correctly.
 * Lists are not needed and not parsed. Pure: no I/O, no platform code.
 *
 * A parse failure is `undefined`: the draft says a malformed field is ignored, and callers
 * that must refuse instead (our server) say so with their own message.
 */

export type BareItem =
  | { readonly kind: 'integer'; readonly value: number }
  | { readonly kind: 'decimal'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'token'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'date'; readonly value: number }
  | { readonly kind: 'display'; readonly value: string };

export type Parameters = ReadonlyMap<string, BareItem>;

export interface Item {
  readonly bare: BareItem;
  readonly params: Parameters;
}

export interface InnerList {
  readonly inner: readonly Item[];
  readonly params: Parameters;
}

export type DictionaryMember = Item | InnerList;

/** Thrown inside the parser only; the exported functions turn it into `undefined`. */
class Malformed extends Error {}

const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const ALPHA = /[A-Za-z]/;
const DIGIT = /[0-9]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;
const LOWER_HEX = /^[0-9a-f]{2}$/;

class Parser {
  #pos = 0;
  constructor(readonly input: string) {
    // RFC 9651 4.2: input that is not ASCII fails.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the RFC's ASCII range, on purpose.
    if (/[^\x00-\x7f]/.test(input)) throw new Malformed();
  }

  item(): Item {
    this.#skipSp();
    const item = this.#item();
    this.#skipSp();
    if (!this.#eof()) throw new Malformed();
    return item;
  }

  dictionary(): Map<string, DictionaryMember> {
    const members = new Map<string, DictionaryMember>();
    this.#skipSp();
    while (!this.#eof()) {
      const key = this.#key();
      if (this.#peek() === '=') {
        this.#pos++;
        members.set(key, this.#itemOrInnerList());
      } else {
        members.set(key, { bare: { kind: 'boolean', value: true }, params: this.#params() });
      }
      this.#skipOws();
      if (this.#eof()) return members;
      if (this.#next() !== ',') throw new Malformed();
      this.#skipOws();
      if (this.#eof()) throw new Malformed();
    }
    return members;
  }

  #itemOrInnerList(): DictionaryMember {
    return this.#peek() === '(' ? this.#innerList() : this.#item();
  }

  #innerList(): InnerList {
    this.#pos++;
    const inner: Item[] = [];
    while (!this.#eof()) {
      this.#skipSp();
      if (this.#peek() === ')') {
        this.#pos++;
        return { inner, params: this.#params() };
      }
      inner.push(this.#item());
      const next = this.#peek();
      if (next !== ' ' && next !== ')') throw new Malformed();
    }
    throw new Malformed();
  }

  #item(): Item {
    const bare = this.#bareItem();
    return { bare, params: this.#params() };
  }

  #bareItem(): BareItem {
    const c = this.#peek();
    if (c === undefined) throw new Malformed();
    if (c === '-' || DIGIT.test(c)) return this.#number();
    if (c === '"') return { kind: 'string', value: this.#string() };
    if (c === '*' || ALPHA.test(c)) return { kind: 'token', value: this.#token() };
    if (c === ':') return { kind: 'bytes', value: this.#bytes() };
    if (c === '?') return { kind: 'boolean', value: this.#boolean() };
    if (c === '@') return this.#date();
    if (c === '%') return { kind: 'display', value: this.#displayString() };
    throw new Malformed();
  }

  #params(): Map<string, BareItem> {
    const params = new Map<string, BareItem>();
    while (this.#peek() === ';') {
      this.#pos++;
      this.#skipSp();
      const key = this.#key();
      let value: BareItem = { kind: 'boolean', value: true };
      if (this.#peek() === '=') {
        this.#pos++;
        value = this.#bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  #key(): string {
    const first = this.#peek();
    if (first === undefined || !KEY_START.test(first)) throw new Malformed();
    const start = this.#pos;
    while (!this.#eof() && KEY_CHAR.test(this.#peek() ?? '')) this.#pos++;
    return this.input.slice(start, this.#pos);
  }

  #number(): BareItem {
    let sign = 1;
    if (this.#peek() === '-') {
      this.#pos++;
      sign = -1;
    }
    const first = this.#peek();
    if (first === undefined || !DIGIT.test(first)) throw new Malformed();
    let text = '';
    let decimal = false;
    while (!this.#eof()) {
      const c = this.#peek() ?? '';
      if (DIGIT.test(c)) {
        text += c;
      } else if (!decimal && c === '.') {
        if (text.length > 12) throw new Malformed();
        text += c;
        decimal = true;
      } else {
        break;
      }
      this.#pos++;
      if (!decimal && text.length > 15) throw new Malformed();
      if (decimal && text.length > 16) throw new Malformed();
    }
    if (!decimal) return { kind: 'integer', value: sign * Number(text) };
    const fraction = text.length - text.indexOf('.') - 1;
    if (fraction === 0 || fraction > 3) throw new Malformed();
    return { kind: 'decimal', value: sign * Number(text) };
  }

  #string(): string {
    this.#pos++;
    let out = '';
    while (!this.#eof()) {
      const c = this.#next();
      if (c === '\\') {
        const escaped = this.#next();
        if (escaped !== '"' && escaped !== '\\') throw new Malformed();
        out += escaped;
      } else if (c === '"') {
        return out;
      } else if (c < ' ' || c > '~') {
        throw new Malformed();
      } else {
        out += c;
      }
    }
    throw new Malformed();
  }

  #token(): string {
    const start = this.#pos;
    this.#pos++;
    while (!this.#eof() && TOKEN_CHAR.test(this.#peek() ?? '')) this.#pos++;
    return this.input.slice(start, this.#pos);
  }

  #bytes(): Uint8Array {
    this.#pos++;
    const start = this.#pos;
    while (this.#peek() !== ':') {
      if (this.#eof() || !BASE64_CHAR.test(this.#peek() ?? '')) throw new Malformed();
      this.#pos++;
    }
    const text = this.input.slice(start, this.#pos);
    this.#pos++;
    return decodeBase64(text);
  }

  #boolean(): boolean {
    this.#pos++;
    const c = this.#next();
    if (c === '1') return true;
    if (c === '0') return false;
    throw new Malformed();
  }

  #date(): BareItem {
    this.#pos++;
    const number = this.#number();
    if (number.kind !== 'integer') throw new Malformed();
    return { kind: 'date', value: number.value };
  }

  #displayString(): string {
    this.#pos++;
    if (this.#next() !== '"') throw new Malformed();
    const bytes: number[] = [];
    while (!this.#eof()) {
      const c = this.#next();
      if (c < ' ' || c > '~') throw new Malformed();
      if (c === '%') {
        const hex = this.input.slice(this.#pos, this.#pos + 2);
        if (!LOWER_HEX.test(hex)) throw new Malformed();
        bytes.push(Number.parseInt(hex, 16));
        this.#pos += 2;
      } else if (c === '"') {
        try {
          return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
        } catch {
          throw new Malformed();
        }
      } else {
        bytes.push(c.charCodeAt(0));
      }
    }
    throw new Malformed();
  }

  #peek(): string | undefined {
    return this.input[this.#pos];
  }

  #next(): string {
    const c = this.input[this.#pos];
    if (c === undefined) throw new Malformed();
    this.#pos++;
    return c;
  }

  #eof(): boolean {
    return this.#pos >= this.input.length;
  }

  #skipSp(): void {
    while (this.#peek() === ' ') this.#pos++;
  }

  #skipOws(): void {
    while (this.#peek() === ' ' || this.#peek() === '\t') this.#pos++;
  }
}

/** Forgiving base64 (padding optional, as RFC 9651 4.2.7 asks of parsers). */
function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Malformed();
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function attempt<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof Malformed) return undefined;
    throw error;
  }
}

/** A field value parsed as an Item, `undefined` when absent or malformed. */
export function parseItem(text: string | undefined): Item | undefined {
  return text === undefined ? undefined : attempt(() => new Parser(text).item());
}

/** A field value parsed as a Dictionary (keys in order), `undefined` when absent or malformed. */
export function parseDictionary(
  text: string | undefined,
): ReadonlyMap<string, DictionaryMember> | undefined {
  return text === undefined ? undefined : attempt(() => new Parser(text).dictionary());
}

/** `Upload-Complete`-style Boolean Item (parameters ignored); `undefined` otherwise. */
export function parseBooleanItem(text: string | undefined): boolean | undefined {
  const item = parseItem(text);
  return item?.bare.kind === 'boolean' ? item.bare.value : undefined;
}

/** `Upload-Offset`-style non-negative Integer Item (parameters ignored); `undefined` otherwise. */
export function parseNonNegativeIntegerItem(text: string | undefined): number | undefined {
  const item = parseItem(text);
  return item?.bare.kind === 'integer' && item.bare.value >= 0 ? item.bare.value : undefined;
}

export function serializeBoolean(value: boolean): string {
  return value ? '?1' : '?0';
}

/** An Integer: at most 15 digits (RFC 9651 3.3.1). */
export function serializeInteger(value: number): string {
  if (!Number.isInteger(value) || Math.abs(value) > 999_999_999_999_999) {
    throw new RangeError(`not a structured-field Integer: ${value}`);
  }
  return String(value);
}

export function serializeByteSequence(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `:${btoa(binary)}:`;
}

/** A Dictionary of Integers and Byte Sequences (all the draft ever sends), keys as given. */
export function serializeDictionary(
  members: Iterable<readonly [string, number | Uint8Array]>,
): string {
  const parts: string[] = [];
  for (const [key, value] of members) {
    if (!/^[a-z*][a-z0-9_\-.*]*$/.test(key)) {
      throw new RangeError(`not a structured-field key: ${JSON.stringify(key)}`);
    }
    parts.push(
      `${key}=${typeof value === 'number' ? serializeInteger(value) : serializeByteSequence(value)}`,
    );
  }
  return parts.join(', ');
}
