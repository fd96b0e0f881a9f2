/**
 * Runs the CLI in a pseudo-terminal (`script` of util-linux) of a given width, and reads
 * the screen it leaves through a headless xterm (scrollback included): what a person
 * sees, wrapped rows joined back into their lines.
 */
import { spawn } from 'node:child_process';
import xterm from '@xterm/headless';
import { cliNodeArgs, ROOT, TEST_STORE } from './cli-runner.js';

export interface PtyRun {
  code: number | null;
  /** Every line of the screen and its scrollback, wrapped rows joined, trailing blanks cut. */
  lines: string[];
  /** The bytes the terminal received. */
  raw: string;
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface PtyOptions {
  columns?: number;
  rows?: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs the CLI with `args` on a `columns`-wide terminal; `timeoutMs` bounds it. */
export function runInPty(args: readonly string[], options: PtyOptions = {}): Promise<PtyRun> {
  return runCommandInPty([process.execPath, ...cliNodeArgs(), ...args], options);
}

/** Runs `argv` (a program and its arguments) on a `columns`-wide terminal. */
export async function runCommandInPty(
  argv: readonly string[],
  options: PtyOptions = {},
): Promise<PtyRun> {
  const columns = options.columns ?? 80;
  const rows = options.rows ?? 24;
  const command = argv.map(quote).join(' ');
  const child = spawn(
    'script',
    ['-qfec', `stty cols ${columns} rows ${rows}; exec ${command}`, '/dev/null'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        RESUMABLE_UPLOAD_STORE_FILE: TEST_STORE,
        TERM: 'xterm',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let raw = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    raw += text;
  });
  child.stderr.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const terminal = new xterm.Terminal({
    cols: columns,
    rows,
    scrollback: 10_000,
    allowProposedApi: true,
  });
  await new Promise<void>((resolve) => terminal.write(raw, resolve));
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (line === undefined) continue;
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  terminal.dispose();
  return { code, lines, raw };
}
