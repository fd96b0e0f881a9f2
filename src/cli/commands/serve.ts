/**
 * `serve --port 1080 --dir ./uploads`: our tus server in the foreground, one log line per
 * request, Ctrl-C (or SIGTERM) closes it cleanly.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { TusServer } from '../../server/index.js';
import type { CliIo } from '../cli-io.js';

export interface ServeFlags {
  port: number;
  host: string;
  dir: string;
  quiet?: boolean | undefined;
}

const PATH = '/files';

/** Our tus server for `directory` and an http.Server over it (not listening yet). */
async function createOurServer(directory: string): Promise<{ tus: TusServer; server: Server }> {
  // Loaded on demand: the other commands never load the server.
  const { createTusServer } = await import('../../server/index.js');
  const tus = createTusServer({ directory, path: PATH });
  await tus.ready();
  return { tus, server: createServer((req, res) => tus.handle(req, res)) };
}

function logLine(req: IncomingMessage, res: ServerResponse, startedAt: number): string {
  const ms = Math.round(performance.now() - startedAt);
  const time = new Date().toISOString();
  return `${time} ${req.method ?? '?'} ${req.url ?? '?'} ${res.statusCode} ${ms}ms`;
}

export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const directory = resolve(flags.dir);
  await mkdir(directory, { recursive: true });
  const { tus, server } = await createOurServer(directory);
  if (flags.quiet !== true) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const startedAt = performance.now();
      res.on('close', () => io.stderr.write(`${logLine(req, res, startedAt)}\n`));
    });
  }
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(flags.port, flags.host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
  io.stdout.write(`listening on http://${host}:${port}${PATH}/\n`);
  io.stderr.write(`uploads are stored in ${directory}; Ctrl-C stops the server\n`);

  const signal = await new Promise<string>((resolveStop) => {
    const remove = io.onInterrupt((name) => {
      remove();
      resolveStop(name);
    });
  });
  io.stderr.write(`${signal}: stopping\n`);
  server.closeIdleConnections();
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  // Uploads in flight get a moment to end; then their connections are cut.
  const timer = setTimeout(() => server.closeAllConnections(), 2000);
  timer.unref();
  await Promise.all([closed, tus.close()]);
  clearTimeout(timer);
  io.stderr.write('stopped\n');
  return 0;
}
