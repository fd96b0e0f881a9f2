/**
 * Chromium for the browser section, launched directly with a page URL and **no DevTools
 * client attached** (no playwright, no --remote-debugging): a driver that speaks the
 * DevTools protocol receives a copy of every request body the page sends as bytes, and
 * then the figures measure the driver (issue 20). The page posts its own result back to
 * the bench's site server; the bench then kills Chromium's whole process group.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killGroup, trackGroup } from './children.js';

/** The flags of every launch (issue 20's, plus a fresh profile per run). */
export const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--js-flags=--expose-gc',
  '--enable-precise-memory-info',
] as const;

/** `CHROME_PATH` when set, else Debian's /usr/bin/chromium; `undefined` when not executable. */
export function chromiumPath(): string | undefined {
  const chosen = process.env.CHROME_PATH;
  const path = chosen !== undefined && chosen !== '' ? chosen : '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

export interface ChromiumRun<T> {
  /** The page to open. */
  url: string;
  /** Resolves with what the page posted back (the run is over then). */
  result: Promise<T>;
  /** Where the fresh profile dir is made. */
  tempDir: string;
  timeoutMs: number;
}

/**
 * Starts Chromium on `run.url` with a fresh profile (and TMPDIR), waits for `run.result`
 * (or Chromium's exit, or the timeout), then kills Chromium's process group and removes
 * both.
 */
export async function runChromium<T>(path: string, run: ChromiumRun<T>): Promise<T> {
  // The profile, and Chromium's own temp files (it leaves them behind when killed).
  const home = mkdtempSync(join(run.tempDir, 'chromium-'));
  const profile = join(home, 'profile');
  const tmp = join(home, 'tmp');
  mkdirSync(tmp);
  const child = spawn(path, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, run.url], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  trackGroup(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run.result,
      exited.then(() => {
        throw new Error(`Chromium exited before the page reported: ${stderr.trim()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no result from the page within ${run.timeoutMs / 1000} s`)),
          run.timeoutMs,
        );
      }),
      new Promise<never>((_, reject) => child.once('error', reject)),
    ]);
  } finally {
    clearTimeout(timer);
    killGroup(child);
    if (child.exitCode === null && child.signalCode === null) await exited;
    rmSync(home, { recursive: true, force: true });
  }
}
