/**
 * Child processes of the benchmark: every worker and server runs in a fresh `node`
 * process. All of them are tracked so they die with the orchestrator, even on failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();
/** Children started as leaders of a process group of their own (Chromium and its helpers). */
const groups = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL; they hold nothing worth saving). */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
  for (const child of groups) killGroup(child);
  groups.clear();
}

/**
 * Tracks `child`, spawned with `detached: true` (so it leads a process group), until it
 * exits: `killAllChildren` then kills its whole group.
 */
export function trackGroup(child: ChildProcess): void {
  groups.add(child);
  child.on('exit', () => groups.delete(child));
}

/** SIGKILL to the process group that `child` leads (it and every process it started). */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

function spawnNode(script: string, args: unknown, nodeFlags: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, script, JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** Keeps the last `limit` characters of a stream, for error messages. */
function tail(stream: NodeJS.ReadableStream | null, limit = 2000): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-limit);
  });
  return () => text.trim();
}

export interface WorkerOptions {
  timeoutMs: number;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[];
}

/**
 * Runs a worker to completion and returns its last stdout line parsed as JSON. Rejects
 * on a non-zero exit without a result, on timeout (the child is killed), or on bad JSON.
 */
export function runWorker(
  script: string,
  args: unknown,
  options: WorkerOptions,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawnNode(script, args, options.nodeFlags ?? []);
    const stdout = tail(child.stdout, 64_000);
    const stderr = tail(child.stderr);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout().split('\n');
      const last = lines[lines.length - 1] ?? '';
      try {
        const parsed = JSON.parse(last) as Record<string, unknown>;
        if (typeof parsed.error === 'string') reject(new Error(parsed.error));
        else resolve(parsed);
      } catch {
        const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        reject(new Error(`worker ended with ${how}: ${stderr() || last || 'no output'}`));
      }
    });
  });
}

export interface ServerHandle {
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT/files` */
  readonly endpoint: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server worker and waits for its `{"port":N}` line. */
export function startServer(
  name: string,
  script: string,
  args: unknown,
  timeoutMs = 20_000,
): Promise<ServerHandle> {
  return new Promise((resolve, reject) => {
    const child = spawnNode(script, args, []);
    const stderr = tail(child.stderr);
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: no port within ${timeoutMs} ms: ${stderr()}`));
    }, timeoutMs);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${String(code)}) before listening: ${stderr()}`));
    };
    child.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      child.stdout?.resume();
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port !== 'number' || port <= 0) {
        child.kill('SIGKILL');
        reject(new Error(`${name}: bad ready line ${line}`));
        return;
      }
      resolve({
        name,
        port,
        endpoint: `http://127.0.0.1:${port}/files`,
        child,
        stop: () => stopChild(child),
      });
    });
  });
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the child is gone. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
