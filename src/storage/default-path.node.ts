/** Where `FileUrlStorage` keeps its file when no `path` is given. */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** Folder name under the user's state/config directory. */
export const STORAGE_DIR_NAME = 'resumable-upload';
/** File name of the URL storage. */
export const STORAGE_FILE_NAME = 'upload-urls.json';

export interface DefaultPathContext {
  /** `process.platform` (`win32`, `darwin`, `linux`...). */
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

/**
 * The default URL storage file of this user:
 * - Linux and other Unix: `$XDG_STATE_HOME/resumable-upload/upload-urls.json`, where
 *   `$XDG_STATE_HOME` defaults to `~/.local/state` (the XDG Base Directory rule: upload URLs
 *   are state that should survive a restart, not configuration);
 * - macOS: `~/Library/Application Support/resumable-upload/upload-urls.json`;
 * - Windows: `%APPDATA%\resumable-upload\upload-urls.json` (`~\AppData\Roaming` when unset).
 */
export function defaultUrlStoragePath(
  context: DefaultPathContext = { platform: process.platform, env: process.env, home: homedir() },
): string {
  const { platform, env, home } = context;
  if (platform === 'win32') {
    const appData = nonEmpty(env.APPDATA) ?? win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, STORAGE_DIR_NAME, STORAGE_FILE_NAME);
  }
  if (platform === 'darwin') {
    return posix.join(home, 'Library', 'Application Support', STORAGE_DIR_NAME, STORAGE_FILE_NAME);
  }
  // XDG: a relative value is invalid and must be ignored.
  const xdg = nonEmpty(env.XDG_STATE_HOME);
  const state = xdg?.startsWith('/') ? xdg : posix.join(home, '.local', 'state');
  return posix.join(state, STORAGE_DIR_NAME, STORAGE_FILE_NAME);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
