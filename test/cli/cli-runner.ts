/**
 * Runs the CLI as a child process: the built `dist/cli/main.js` when it is newer than the
 * sources, else `src/cli/main.ts` through tsx.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'cli', 'main.js');
/** URL storage of CLI children: never the user's own file (one per test process). */
export const TEST_STORE = join(tmpdir(), `resumable-upload-cli-test-${process.pid}.json`);
process.once('exit', () => {
  rmSync(TEST_STORE, { force: true });
  rmSync(`${TEST_STORE}.lock`, { force: true, recursive: true });
});

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `node` arguments that start the CLI. */
export function cliNodeArgs(): string[] {
  if (existsSync(DIST) && statSync(DIST).mtimeMs >= newestSource(join(ROOT, 'src'))) {
    return [DIST];
  }
  // tsx by its resolved URL: the child may run in a folder without node_modules.
  return ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'main.ts')];
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Written to the child's standard input, which is then closed (else it has none). */
  input?: Buffer | undefined;
}

/** A running CLI child with its output so far. */
export interface CliChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (or stdout) matches `pattern`; rejects if the child ends first. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  /** Resolves when `test` (of stdout, stderr) holds; rejects if the child ends first. */
  waitUntil(test: (stdout: string, stderr: string) => boolean): Promise<void>;
  /** Resolves when the child ended. */
  done: Promise<CliRun>;
}

export function spawnCli(args: readonly string[], options: SpawnOptions = {}): CliChild {
  const child = spawn(process.execPath, [...cliNodeArgs(), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', RESUMABLE_UPLOAD_STORE_FILE: TEST_STORE, ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    notify();
  });
  const done = new Promise<CliRun>((resolveDone) => {
    child.on('close', (code, signal) => {
      resolveDone({ code, signal, stdout, stderr });
      notify();
    });
  });
  let ended = false;
  void done.then(() => {
    ended = true;
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    waitUntil(test) {
      return new Promise((resolveWait, rejectWait) => {
        const check = () => {
          if (test(stdout, stderr)) {
            waiters.delete(check);
            resolveWait();
          } else if (ended || child.exitCode !== null) {
            waiters.delete(check);
            rejectWait(new Error(`CLI ended before the awaited output.\nstderr: ${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    waitFor(pattern, stream = 'stderr') {
      return new Promise((resolveWait, rejectWait) => {
        const check = () => {
          const match = (stream === 'stderr' ? stderr : stdout).match(pattern);
          if (match !== null) {
            waiters.delete(check);
            resolveWait(match);
          } else if (ended || child.exitCode !== null) {
            waiters.delete(check);
            rejectWait(new Error(`CLI ended before ${pattern} appeared.\nstderr: ${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Runs the CLI to the end; `timeoutMs` bounds it (the child is killed and the run fails). */
export async function runCli(
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<CliRun> {
  const run = spawnCli(args, options);
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`CLI ${args.join(' ')} did not end within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([run.done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
