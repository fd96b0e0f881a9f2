/**
 * The URL store as the CLI shows it: each entry with the file it belongs to (read back
 * from its `FileStatFingerprint`), and removal by file or by URL.
 */
import { parseFileStatFingerprint, type StoredUpload, type UrlStorage } from '../../index.node.js';

const PART = '#parallel:';

export interface StoredFile extends StoredUpload {
  /** The file's absolute path, when the fingerprint says it. */
  file: string | undefined;
  /** `1/4` for a partial upload of `--parallel 4`. */
  part: string | undefined;
}

export function describeEntry(entry: StoredUpload): StoredFile {
  const at = entry.fingerprint.lastIndexOf(PART);
  const base = at < 0 ? entry.fingerprint : entry.fingerprint.slice(0, at);
  const part = at < 0 ? undefined : entry.fingerprint.slice(at + PART.length).split(':')[0];
  return { ...entry, file: parseFileStatFingerprint(base)?.path, part };
}

export async function storedFiles(storage: UrlStorage): Promise<StoredFile[]> {
  return (await storage.list()).map(describeEntry);
}

/** Removes the entries of `url`; returns them. */
export async function forgetUrl(storage: UrlStorage, url: string): Promise<StoredFile[]> {
  const gone = (await storedFiles(storage)).filter((entry) => entry.uploadUrl === url);
  for (const entry of gone) await storage.remove(entry.fingerprint);
  return gone;
}

/** Removes the entries of the file at `path` (absolute), partial ones included. */
export async function forgetFile(storage: UrlStorage, path: string): Promise<StoredFile[]> {
  const gone = (await storedFiles(storage)).filter((entry) => entry.file === path);
  for (const entry of gone) await storage.remove(entry.fingerprint);
  return gone;
}

export async function isStored(storage: UrlStorage, url: string): Promise<boolean> {
  return (await storage.list()).some((entry) => entry.uploadUrl === url);
}

/** The endpoint stored with an upload of `url` (`undefined`: none stored, or an old entry). */
export async function storedEndpoint(
  storage: UrlStorage,
  url: string,
): Promise<string | undefined> {
  return (await storage.list()).find((entry) => entry.uploadUrl === url && entry.endpoint)
    ?.endpoint;
}
