/**
 * `Content-Disposition` (RFC 6266) of a creation request, the draft's way to name the file:
 * `inline; filename="a b.txt"; filename*=UTF-8''a%20b.txt`. Pure.
 */

/** `inline` with `filename` (an ASCII stand-in) and, when needed, `filename*` (UTF-8). */
export function formatContentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const plain = `inline; filename="${ascii}"`;
  if (ascii === filename) return plain;
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${plain}; filename*=UTF-8''${encoded}`;
}

/** The file name a `Content-Disposition` value gives (`filename*` first), if any. */
export function parseDispositionFilename(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const params = dispositionParams(text);
  const extended = params.get('filename*');
  if (extended !== undefined) {
    const decoded = decodeExtValue(extended);
    if (decoded !== undefined) return decoded;
  }
  return params.get('filename');
}

/** Parameters (lower-case names) after the disposition type; quoted strings unescaped. */
function dispositionParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /;\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)/g;
  for (const match of text.matchAll(pattern)) {
    const name = match[1]?.toLowerCase();
    const raw = match[2] ?? '';
    if (name === undefined || params.has(name)) continue;
    params.set(name, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  return params;
}

/** RFC 8187 `charset'language'value`, UTF-8 or ISO-8859-1; `undefined` when malformed. */
function decodeExtValue(value: string): string | undefined {
  const match = /^(UTF-8|ISO-8859-1)'[^']*'(.*)$/i.exec(value);
  if (match === null) return undefined;
  const encoded = match[2] ?? '';
  try {
    if (match[1]?.toUpperCase() === 'UTF-8') return decodeURIComponent(encoded);
    return encoded.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  } catch {
    return undefined;
  }
}
