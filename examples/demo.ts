/**
 * `npm run demo`: starts our tus server on a free port (`resumable-upload serve --port 0`), uploads a generated 64 MiB file
 * through the CLI (with its progress bar), interrupts the upload half-way with Ctrl-C
 * (SIGINT), resumes it with `resumable-upload resume`, and checks the SHA-256 of the bytes
 * the server stored against the source. Prints `demo: OK sha256 <hex> matches` or
 * `demo: FAILED …`, then stops the server and removes its files.
 *
 * A small proxy between the CLI and the server paces the PATCH requests on a terminal (so
 * the bar can be watched) and holds the upload once half the chunks have arrived, so the
 * interruption always lands half-way.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const CHUNK = MiB;
const ROOT = resolve(import.meta.dirname, '..');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Quotes a word for a POSIX shell, when it needs it. */
function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Prints the command as it can be copied and run (while the demo's server is up). */
function echo(args: readonly string[]): void {
  say(`demo: $ resumable-upload ${args.map(shellQuote).join(' ')}`);
}

/** Writes `size` random bytes to `path`; returns their SHA-256 (hex). */
async function generate(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; written += MiB) {
      const piece = randomBytes(Math.min(MiB, size - written));
      hash.update(piece);
      await handle.write(piece);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

interface Gate {
  endpoint: string;
  /** Resolves once a PATCH is held (after `holdAfter` were let through). */
  held: Promise<void>;
  open(): void;
  close(): Promise<void>;
}

/** The pacing/holding proxy described above. */
async function startGate(target: string, holdAfter: number, paceMs: number): Promise<Gate> {
  const targetUrl = new URL(target);
  let patches = 0;
  let holding = true;
  let markHeld = () => {};
  const held = new Promise<void>((resolveHeld) => {
    markHeld = resolveHeld;
  });
  const waiting = new Set<IncomingMessage>();
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.on('close', () => {
      if (!req.complete) upstream.destroy();
    });
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    if (req.method !== 'PATCH') return forward(req, res);
    if (holding && patches >= holdAfter) {
      waiting.add(req);
      req.on('close', () => waiting.delete(req));
      req.resume();
      markHeld();
      return;
    }
    patches += 1;
    setTimeout(() => forward(req, res), paceMs);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}${targetUrl.pathname}`,
    held,
    open() {
      holding = false;
      for (const req of waiting) req.destroy();
    },
    async close() {
      for (const req of waiting) req.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}

interface CliRun {
  code: number | null;
  stdout: string;
}

/** Runs the CLI (the build from `npm run build`, else the sources through tsx). */
function cli(
  args: string[],
  stderr: 'inherit' | 'ignore' = 'inherit',
): { done: Promise<CliRun>; interrupt(): void; stdout(): string } {
  const dist = join(ROOT, 'dist', 'cli', 'main.js');
  const entry = existsSync(dist)
    ? [dist]
    : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];
  const child = spawn(process.execPath, [...entry, ...args], {
    stdio: ['ignore', 'pipe', stderr],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  const done = new Promise<CliRun>((resolveRun, rejectRun) => {
    child.on('error', rejectRun);
    child.on('close', (code) => resolveRun({ code, stdout }));
  });
  return { done, interrupt: () => child.kill('SIGINT'), stdout: () => stdout };
}

interface DemoServer {
  endpoint: string;
  /** The file holding the bytes of the upload at `url`. */
  dataPath(url: string): Promise<string>;
  /** Ctrl-C, as a person would; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `resumable-upload serve --port 0 --dir <directory> --quiet`, in the background. */
async function startServer(directory: string): Promise<DemoServer> {
  const server = cli(['serve', '--port', '0', '--dir', directory, '--quiet'], 'ignore');
  const endpoint = await new Promise<string>((resolveEndpoint, rejectEndpoint) => {
    const timer = setInterval(() => {
      const match = server.stdout().match(/listening on (\S+)/);
      if (match?.[1] !== undefined) {
        clearInterval(timer);
        resolveEndpoint(match[1]);
      }
    }, 50);
    void server.done.then((run) => {
      clearInterval(timer);
      rejectEndpoint(new Error(`the server ended (exit ${run.code}) before listening`));
    });
  });
  return {
    endpoint,
    async dataPath(url) {
      const id = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
      for (const name of await readdir(directory, { recursive: true })) {
        const path = join(directory, String(name));
        if (String(name).split(/[\\/]/).at(-1) === id && (await stat(path)).isFile()) return path;
      }
      throw new Error(`no file named ${id} under ${directory}`);
    },
    async stop() {
      server.interrupt();
      return (await server.done).code;
    },
  };
}

function lastJson(stdout: string): { ok?: boolean; url?: string | null } {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as { ok?: boolean; url?: string | null };
  } catch {
    return {};
  }
}

async function main(): Promise<boolean> {
  const work = await mkdtemp(join(tmpdir(), 'resumable-upload-demo-'));
  const server = await startServer(join(work, 'uploads'));
  let gate: Gate | undefined;
  try {
    say(`demo: our tus server is listening on ${server.endpoint}`);
    const file = join(work, 'demo-64MiB.bin');
    const sourceHash = await generate(file, SIZE);
    say(`demo: generated ${file} (64 MiB, sha256 ${sourceHash})`);
    gate = await startGate(server.endpoint, SIZE / CHUNK / 2, process.stderr.isTTY ? 40 : 0);
    say(
      `demo: the CLI talks to a small proxy at ${gate.endpoint} put in front of the server: it paces the chunks (so the bar can be watched) and holds the upload half-way (so Ctrl-C lands there); the upload URLs below carry the proxy's port, as the server builds them from the Host the request came to`,
    );

    const uploadArgs = [
      'upload',
      file,
      '--endpoint',
      gate.endpoint,
      '--chunk-size',
      '1MiB',
      '--json',
      '--no-store',
    ];
    echo(uploadArgs);
    const first = cli(uploadArgs);
    const ended = await Promise.race([gate.held.then(() => false), first.done.then(() => true)]);
    if (ended) {
      say('demo: FAILED the upload ended before it could be interrupted');
      return false;
    }
    first.interrupt();
    const interrupted = await first.done;
    const url = lastJson(interrupted.stdout).url;
    if (interrupted.code !== 130 || typeof url !== 'string') {
      say(`demo: FAILED interrupting: exit ${interrupted.code}, output ${interrupted.stdout}`);
      return false;
    }
    say('demo: interrupted half-way with Ctrl-C (exit 130)');
    echo(['info', url]);
    process.stdout.write((await cli(['info', url]).done).stdout);

    gate.open();
    const resumeArgs = ['resume', file, '--url', url, '--chunk-size', '1MiB', '--json'];
    echo(resumeArgs);
    const second = await cli(resumeArgs).done;
    const result = lastJson(second.stdout);
    if (second.code !== 0 || result.ok !== true) {
      say(`demo: FAILED resuming: exit ${second.code}, output ${second.stdout}`);
      return false;
    }

    const storedHash = await sha256Of(await server.dataPath(url));
    if (storedHash !== sourceHash) {
      say(`demo: FAILED sha256 ${storedHash} stored, ${sourceHash} sent`);
      return false;
    }
    say(`demo: OK sha256 ${storedHash} matches`);
    return true;
  } finally {
    await gate?.close();
    const stopped = await server.stop();
    say(`demo: server stopped (exit ${stopped})`);
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = (await main()) ? 0 : 1;
