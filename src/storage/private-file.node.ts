/**
 * Opening a file this process keeps for itself (the URL store, the CLI's batch journal) in a folder others may be able to write: a symbolic link planted
 * at its path is never followed (`O_NOFOLLOW`), a FIFO never blocks the open
 * (`O_NONBLOCK`), and what was opened must be a regular file of this user (`fstat`, where
 * the platform has user ids). Anything else is a `TusUnsafeFileError` naming the file and
 * what to do, and the file is neither read nor written.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { TusUnsafeFileError } from '../errors/index.js';

/** `0` where the platform lacks the flag (Windows): the checks after the open remain. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Flags to read an existing file. */
export const READ_PRIVATE = constants.O_RDONLY | NOFOLLOW | NONBLOCK;
/** Flags to create a new file that must not exist yet (a temporary file). */
export const CREATE_PRIVATE =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW | NONBLOCK;
/** Flags to append to a file, created when missing. */
export const APPEND_PRIVATE =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW | NONBLOCK;

export interface PrivateFileNames {
  /** What the file is, for the message: `the URL storage file`. */
  what: string;
  /** What to do instead, for the message: `or choose another path`. */
  instead: string;
}

/**
 * Opens `path` with `flags` (mode 0600 when it creates it); `undefined` when it does not
 * exist and `flags` does not create it. Refuses a symlink, a non-regular file, and a file
 * of another user.
 */
export async function openPrivateFile(
  path: string,
  flags: number,
  names: PrivateFileNames,
): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags, 0o600);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' && (flags & constants.O_CREAT) === 0) return undefined;
    // Linux and macOS say ELOOP for a symlink under O_NOFOLLOW, the BSDs EMLINK.
    if ((code === 'ELOOP' || code === 'EMLINK') && NOFOLLOW !== 0) {
      throw unsafe(path, 'symlink', names, error);
    }
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unsafe(path, 'not-a-file', names);
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid)
      throw unsafe(path, 'owner', names, undefined, info.uid);
    return handle;
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
}

function unsafe(
  path: string,
  reason: TusUnsafeFileError['reason'],
  names: PrivateFileNames,
  cause?: unknown,
  owner?: number,
): TusUnsafeFileError {
  const what =
    reason === 'symlink'
      ? 'is a symbolic link: it is not followed'
      : reason === 'not-a-file'
        ? 'is not a regular file: it is not used'
        : `belongs to another user (uid ${owner}, this process runs as uid ${process.getuid?.()}): it is neither read nor written`;
  return new TusUnsafeFileError(
    `${names.what} ${path} ${what} (someone else may have put it there). Remove it if it is not yours, ${names.instead}; keep such files in a folder only you can write`,
    reason,
    { path, cause },
  );
}
