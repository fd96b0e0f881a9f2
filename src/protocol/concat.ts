/** `Upload-Concat` building and parsing (tus concatenation extension). */
import { TusProtocolError } from '../errors/index.js';
import { redactText } from '../errors/redact.js';

export type UploadConcat = { type: 'partial' } | { type: 'final'; urls: string[] };

/** `Upload-Concat: partial`. */
export function buildConcatPartial(): string {
  return 'partial';
}

/** `Upload-Concat: final;<url> <url>...` (URLs in order, no spaces inside one). */
export function buildConcatFinal(urls: readonly string[]): string {
  if (urls.length === 0) throw new RangeError('a final upload needs at least one partial URL');
  for (const url of urls) {
    if (url === '' || /\s/.test(url)) {
      const shown = JSON.stringify(redactText(url));
      throw new RangeError(`partial upload URL ${shown} is empty or has spaces`);
    }
  }
  return `final;${urls.join(' ')}`;
}

/** Parses `Upload-Concat`; anything but `partial` or `final;urls` is a `TusProtocolError`. */
export function parseConcat(value: string): UploadConcat {
  const trimmed = value.trim();
  if (trimmed === 'partial') return { type: 'partial' };
  if (trimmed.startsWith('final;')) {
    const urls = trimmed
      .slice('final;'.length)
      .split(' ')
      .filter((url) => url !== '');
    if (urls.length > 0) return { type: 'final', urls };
  }
  throw new TusProtocolError(`malformed Upload-Concat: ${JSON.stringify(value.slice(0, 80))}`);
}
