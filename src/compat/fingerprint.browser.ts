/**
 * tus-js-client's default fingerprint in browsers, the same string, so that an upload it
 * stored is found again by this adapter: `tus-br-<name>-<type>-<size>-<lastModified>-<endpoint>`.
 */
import type { UploadFile, UploadOptions } from './types.js';

export function browserFingerprint(file: UploadFile, options: UploadOptions): Promise<string> {
  const f = file as Partial<Record<'name' | 'type' | 'size' | 'lastModified', unknown>>;
  return Promise.resolve(
    ['tus-br', f.name, f.type, f.size, f.lastModified, options.endpoint]
      .map((part) => (part === undefined || part === null ? '' : String(part)))
      .join('-'),
  );
}
