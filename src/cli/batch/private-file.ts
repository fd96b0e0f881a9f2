/**
 * The batch journal's files in a folder others may write, opened as the URL store's are
 * (`storage/private-file.node.ts`: no symlink followed, no FIFO blocking, a regular file of
 * this user), and the journal's folder checked the same way, else a `TusUnsafeFileError`
 * that names the file and what to do.
 */
import { type FileHandle, lstat } from 'node:fs/promises';
import { TusUnsafeFileError } from '../../index.node.js';
import {
  APPEND_PRIVATE,
  openPrivateFile,
  type PrivateFileNames,
  READ_PRIVATE,
} from '../../storage/private-file.node.js';

export { APPEND_PRIVATE, READ_PRIVATE };

const JOURNAL: PrivateFileNames = {
  what: 'the batch journal',
  instead: 'or run with --no-store (no journal) or another --store-file',
};

/** Opens the journal file `path`; `undefined` when missing and `flags` does not create. */
export function openJournalFile(path: string, flags: number): Promise<FileHandle | undefined> {
  return openPrivateFile(path, flags, JOURNAL);
}

const FOLDER = 'the batch journal folder';

/** Refuses a journal folder that is a symlink, not a folder, or another user's. */
export async function checkJournalFolder(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink())
    throw refused(path, 'symlink', 'is a symbolic link: it is not followed', undefined, FOLDER);
  if (!info.isDirectory()) throw refused(path, 'not-a-file', 'is not a folder', undefined, FOLDER);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw refused(
      path,
      'owner',
      `belongs to another user (uid ${info.uid}, this process runs as uid ${uid})`,
      undefined,
      FOLDER,
    );
  }
}

function refused(
  path: string,
  reason: TusUnsafeFileError['reason'],
  what: string,
  cause?: unknown,
  noun = 'the batch journal',
): TusUnsafeFileError {
  return new TusUnsafeFileError(
    `${noun} ${path} ${what} (someone else may have put it there). Remove it if it is not yours, ${JOURNAL.instead}; keep such files in a folder only you can write`,
    reason,
    { path, cause },
  );
}
