/**
 * One engine-neutral way to run a page in Chromium, Firefox ESR or WebKitGTK (MiniBrowser):
 * the browser is started on a page of our own server (127.0.0.1, port 0) by its command
 * line only, and the page asks that server for work. `call(fn, ...args)` queues a call of
 * `window.harness[fn]` (or `window.storageHarness[fn]`); the page's driver
 * (fixtures/driver.js) fetches it, awaits it and posts the JSON result back. No WebDriver, DevTools or BiDi: every engine that can run a module
 * script and `fetch` runs the same tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, harnessFiles } from './browser-env.js';

const here = dirname(fileURLToPath(import.meta.url));

export type EngineName = 'chromium' | 'firefox' | 'webkit';

const FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];
const MINIBROWSER = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser',
];
const XVFB_RUN = ['/usr/bin/xvfb-run'];

function firstExecutable(paths: readonly string[]): string | undefined {
  for (const path of paths) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/** Why `engine` cannot run here (said loudly), or `undefined` when it can. */
export function engineSkipReason(engine: EngineName): string | undefined {
  let missing: string | undefined;
  if (engine === 'chromium' && findChromium().path === undefined) {
    missing = 'chromium (apt-get install chromium, or CHROME_PATH)';
  } else if (engine === 'firefox' && firstExecutable(FIREFOX) === undefined) {
    missing = `firefox-esr (apt-get install firefox-esr; looked at ${FIREFOX.join(', ')})`;
  } else if (engine === 'webkit' && firstExecutable(MINIBROWSER) === undefined) {
    missing = `WebKitGTK's MiniBrowser (apt-get install webkit2gtk-driver; looked at ${MINIBROWSER.join(', ')})`;
  } else if (engine === 'webkit' && firstExecutable(XVFB_RUN) === undefined) {
    missing = 'xvfb-run (apt-get install xvfb xauth)';
  }
  if (missing === undefined) return undefined;
  const reason = `NO ${engine.toUpperCase()}: ${missing}. The ${engine} tests are SKIPPED.`;
  console.error(`\n!!! ${reason}\n`);
  return reason;
}

export interface EngineSession {
  engine: EngineName;
  /** The page's origin (what a tus server lists in `allowedOrigins`). */
  origin: string;
  /**
   * Awaits `window.harness[fn](...args)` in the page (`storage.fn`: `window.storageHarness`),
   * arguments and result as JSON; a throw in the page rejects.
   */
  call<T>(fn: string, ...args: unknown[]): Promise<T>;
  /** Reloads the page and waits until its driver asks for work again. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Starts `engine` on the harness page (fixtures/harness.js, storage.js, driver.js). */
export async function startEngine(engine: EngineName): Promise<EngineSession> {
  const files: Record<string, [string, string | Uint8Array]> = {
    ...harnessFiles(),
    '/driver.js': [
      'text/javascript',
      readFileSync(join(here, '..', 'fixtures', 'driver.js'), 'utf8'),
    ],
  };
  files['/'] = [
    'text/html; charset=utf-8',
    '<!doctype html><meta charset="utf-8"><title>engine harness</title>' +
      '<script type="module" src="/harness.js"></script>' +
      '<script type="module" src="/storage.js"></script>' +
      '<script type="module" src="/driver.js"></script>',
  ];
  const queue: string[] = [];
  let waiting: ServerResponse | undefined;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  let ready: (() => void) | undefined;
  let readyPromise = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const dispatch = () => {
    if (waiting === undefined || queue.length === 0) return;
    const res = waiting;
    waiting = undefined;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(queue.shift());
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/_next') {
      // The page waits here for its next expression (a long poll, renewed every 20 s).
      waiting?.writeHead(204).end();
      waiting = res;
      const poll = res;
      const renew = setTimeout(() => {
        if (waiting === poll) {
          waiting = undefined;
          poll.writeHead(204).end();
        }
      }, 20_000);
      res.on('close', () => {
        clearTimeout(renew);
        // A page gone away (reloaded, closed) takes no more work through this poll.
        if (waiting === poll) waiting = undefined;
      });
      ready?.();
      dispatch();
      return;
    }
    if (path === '/_result' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(204).end();
        const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id: number;
          value?: unknown;
          error?: string;
        };
        const entry = pending.get(message.id);
        if (entry === undefined) return;
        pending.delete(message.id);
        clearTimeout(entry.timer);
        if (message.error !== undefined) entry.reject(new Error(`in the page: ${message.error}`));
        else entry.resolve(message.value);
      });
      return;
    }
    const file = files[path];
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = await mkdtemp(join(tmpdir(), `engine-${engine}-`));
  let child: ChildProcess | undefined;
  const stopServer = async () => {
    waiting?.writeHead(204).end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    child = await launch(engine, `${origin}/`, profile);
    const exited = new Promise<never>((_, reject) => {
      child?.once('exit', (code, signal) =>
        reject(new Error(`${engine} exited (${code ?? signal}) before the page was ready`)),
      );
    });
    exited.catch(() => {});
    await Promise.race([
      readyPromise,
      exited,
      timeout(60_000, `${engine}: the page never asked for work`),
    ]);
  } catch (error) {
    stopProcess(child);
    await stopServer();
    await rm(profile, { recursive: true, force: true });
    throw error;
  }

  const session: EngineSession = {
    engine,
    origin,
    call<T>(fn: string, ...args: unknown[]): Promise<T> {
      const id = ++nextId;
      const [target, name] = fn.startsWith('storage.')
        ? ['storageHarness', fn.slice('storage.'.length)]
        : ['harness', fn];
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${engine}: no answer within 120 s to ${fn}`));
        }, 120_000);
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
        queue.push(JSON.stringify({ id, target, fn: name, args }));
        dispatch();
      });
    },
    async reload(): Promise<void> {
      readyPromise = new Promise<void>((resolve) => {
        ready = resolve;
      });
      queue.push(JSON.stringify({ reload: true }));
      dispatch();
      await Promise.race([readyPromise, timeout(60_000, `${engine}: no page after the reload`)]);
    },
    async close(): Promise<void> {
      for (const entry of pending.values()) {
        clearTimeout(entry.timer);
        entry.reject(new Error('the session was closed'));
      }
      pending.clear();
      await stopProcess(child);
      await stopServer();
      await rm(profile, { recursive: true, force: true });
    },
  };
  return session;
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(message)), ms).unref();
  });
}

async function launch(engine: EngineName, url: string, profile: string): Promise<ChildProcess> {
  const env = {
    ...process.env,
    HOME: profile,
    XDG_DATA_HOME: join(profile, 'data'),
    XDG_CACHE_HOME: join(profile, 'cache'),
    XDG_CONFIG_HOME: join(profile, 'config'),
  };
  let command: string;
  let args: string[];
  if (engine === 'chromium') {
    command = findChromium().path ?? 'chromium';
    args = [
      '--headless',
      '--no-sandbox',
      '--no-first-run',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
      url,
    ];
  } else if (engine === 'firefox') {
    command = firstExecutable(FIREFOX) ?? 'firefox-esr';
    await writeFile(join(profile, 'user.js'), FIREFOX_PREFS);
    args = ['--headless', '--no-remote', '--profile', profile, url];
  } else {
    // WebKitGTK has no headless mode: MiniBrowser in a virtual X server.
    command = firstExecutable(XVFB_RUN) ?? 'xvfb-run';
    args = [
      '-a',
      '-s',
      '-screen 0 1280x800x24',
      firstExecutable(MINIBROWSER) ?? 'MiniBrowser',
      url,
    ];
  }
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  // Kept for a failure message; the engines are chatty, so only the tail.
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  });
  child.once('exit', (code) => {
    if (code !== 0 && code !== null && process.env.ENGINE_DEBUG) console.error(tail);
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child;
}

/** Ends the browser and its helpers (its own process group: it was started detached). */
async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {}
  const killed = setTimeout(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }, 5_000);
  await exited;
  clearTimeout(killed);
}

/** A quiet Firefox profile: no first-run pages, updates, telemetry or remote settings. */
const FIREFOX_PREFS = `${[
  ['browser.shell.checkDefaultBrowser', false],
  ['browser.startup.homepage_override.mstone', '"ignore"'],
  ['browser.aboutwelcome.enabled', false],
  ['datareporting.policy.dataSubmissionEnabled', false],
  ['datareporting.healthreport.uploadEnabled', false],
  ['toolkit.telemetry.reportingpolicy.firstRun', false],
  ['app.update.disabledForTesting', true],
  ['app.normandy.enabled', false],
  ['browser.safebrowsing.malware.enabled', false],
  ['browser.safebrowsing.phishing.enabled', false],
  ['network.captive-portal-service.enabled', false],
  ['network.connectivity-service.enabled', false],
  ['services.settings.server', '"http://127.0.0.1:9/"'],
  ['browser.newtabpage.enabled', false],
  ['dom.disable_open_during_load', false],
]
  .map(([name, value]) => `user_pref("${name}", ${String(value)});`)
  .join('\n')}\n`;
