/**
 * The batch journal's files in a folder others may write (the CLI's twin of the library's
 * `private-file.node.ts`, which the CLI does not import): a planted symlink is never
 * followed (`O_NOFOLLOW`), a FIFO never blocks (`O_NONBLOCK`), and what was opened must be
 * a regular file of this user, else a `TusUnsafeFileError` that names the file and what to do.
 */
import { constants } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { TusUnsafeFileError } from '../../index.node.js';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
export const READ_PRIVATE = constants.O_RDONLY | NOFOLLOW | NONBLOCK;
export const APPEND_PRIVATE =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | NONBLOCK;

const ADVICE =
  'Remove it if it is not yours, or run with --no-store (no journal) or another --store-file; keep the store in a folder only you can write';

/** Opens the journal file `path`; `undefined` when missing and `flags` does not create. */
export async function openJournalFile(
  path: string,
  flags: number,
): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags, 0o600);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' && (flags & constants.O_CREAT) === 0) return undefined;
    if ((code === 'ELOOP' || code === 'EMLINK') && NOFOLLOW !== 0) {
      throw refused(path, 'symlink', 'is a symbolic link: it is not followed', error);
    }
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refused(path, 'not-a-file', 'is not a regular file');
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) {
      throw refused(
        path,
        'owner',
        `belongs to another user (uid ${info.uid}, this process runs as uid ${uid}): it is neither read nor believed`,
      );
    }
    return handle;
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
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
    `${noun} ${path} ${what} (someone else may have put it there). ${ADVICE}`,
    reason,
    { path, cause },
  );
}
