/**
 * Shared by the bench worker processes: read the JSON argument, report peak RSS, print
 * one JSON result line, die with the parent (stdin closes when the parent goes); and for
 * the server workers, listen on loopback and announce the port.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';

/** The JSON object passed as the first command-line argument. */
export function readArgs<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new TypeError('bench worker: missing JSON argument');
  return JSON.parse(raw) as T;
}

/** Peak resident set size of this process in MiB (VmHWM on Linux, maxRSS elsewhere). */
export function peakRssMiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (match?.[1] !== undefined) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

function writeLine(value: unknown): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.write(`${JSON.stringify(value)}\n`, () => resolve());
  });
}

/** Prints the result as the last stdout line, then exits. */
export async function emit(result: Record<string, unknown>): Promise<never> {
  await writeLine(result);
  process.exit(0);
}

/** Prints an error result (with its cause chain), then exits non-zero. */
export async function fail(error: unknown): Promise<never> {
  await writeLine({ error: describeError(error) });
  process.exit(1);
}

/** `Name: message <- cause <- cause`, for people. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    if (current instanceof Error) {
      const code = (current as Error & { code?: unknown }).code;
      parts.push(
        `${current.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${current.message}`,
      );
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join(' <- ');
}

/** Runs a worker's main function: its result or its error becomes the output line. */
export function runMain(main: () => Promise<Record<string, unknown>>): void {
  exitWithParent();
  main().then(emit, fail);
}

/** Exits when the parent process goes away (its end of our stdin closes). */
export function exitWithParent(onExit?: () => void): void {
  process.stdin.on('end', () => {
    onExit?.();
    process.exit(1);
  });
  process.stdin.on('error', () => process.exit(1));
  process.stdin.resume();
  // stdin must not keep a finished worker alive
  process.stdin.unref();
}

/**
 * A bench server's life: listens on 127.0.0.1 (port 0), prints `{"port":N}` as its ready
 * line, closes when the parent goes away, and exits on SIGTERM.
 */
export function serveOnLoopback(server: Server): void {
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
  exitWithParent(() => server.close());
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
