/**
 * `serve --port 1080 --dir ./uploads`: our tus server in the foreground, one log line per
 * request (`aborted` for a request the client or a newer request cut short), disk errors
 * logged, Ctrl-C or SIGTERM closes it cleanly. Its flags and action are defined here once,
 * for `resumable-upload serve` and for the `resumable-upload-server` binary alike.
 */
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ServerErrorContext, TusServer, TusServerOptions } from '../../server/index.js';
import type { CliIo } from '../cli-io.js';
import { parseHttpUrl } from '../flag-values.js';
import { checked } from '../flags.js';
import { describeError } from '../report-error.js';
import { terminalText } from '../terminal-text.js';
import { parseDuration, parseInteger, parseSize } from '../units.js';

export interface ServeFlags {
  port: number;
  host: string;
  dir: string;
  path: string;
  maxSize?: number | undefined;
  /** Origins given with `--cors` (`*` for any). */
  cors: string[];
  /** ms, or `Infinity` for `never`. */
  expireAfter?: number | undefined;
  publicUrl?: string | undefined;
  trustProxy?: boolean | undefined;
  quiet?: boolean | undefined;
}

/** `--cors` value: `*`, `null`, or an origin (`https://app.example`, a trailing `/` dropped). */
function parseOrigin(text: string): string {
  const value = text.trim();
  if (value === '*' || value === 'null') return value;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const bare = url !== undefined && url.pathname === '/' && url.search === '' && url.hash === '';
  if (url === undefined || !bare || !/^https?:$/.test(url.protocol) || url.username !== '') {
    throw new RangeError(
      `'${text}' is not an origin (scheme://host[:port], e.g. https://app.example or http://127.0.0.1:8080), nor * or null`,
    );
  }
  return url.origin;
}

/** Repeatable `--cors`: each value checked, commander's "invalid argument" when it is not an origin. */
function collectOrigin(text: string, previous: readonly string[]): string[] {
  try {
    return [...previous, parseOrigin(text)];
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function parsePath(text: string): string {
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(text)) {
    throw new RangeError(`'${text}' is not a URL path such as /files`);
  }
  return text;
}

function parseExpiry(text: string): number {
  if (text.trim().toLowerCase() === 'never') return Number.POSITIVE_INFINITY;
  const ms = parseDuration(text);
  if (ms < 1) throw new RangeError(`'${text}' is too short (e.g. 30m, 24h, or never)`);
  return ms;
}

/** Gives `command` serve's options and action; resolves `setCode` with its exit code. */
export function defineServeCommand(
  command: Command,
  io: CliIo,
  setCode: (code: number) => void,
): Command {
  return command
    .description('run our tus server in the foreground (Ctrl-C or SIGTERM stops it)')
    .addOption(
      new Option('-p, --port <port>', 'port to listen on (0: any free port)')
        .argParser(checked((text) => parseInteger(text, 0, 65535)))
        .default(1080),
    )
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('-d, --dir <dir>', 'folder for uploads').default('./uploads'))
    .addOption(
      new Option('--path <path>', 'URL path of the creation endpoint')
        .argParser(checked(parsePath))
        .default('/files'),
    )
    .addOption(
      new Option('--max-size <size>', 'largest upload (e.g. 10GiB); larger is 413').argParser(
        checked(parseSize),
      ),
    )
    .addOption(
      new Option('--cors <origin>', 'let web pages of this origin upload (repeatable; * for any)')
        .argParser(collectOrigin)
        .default([], 'none'),
    )
    .addOption(
      new Option(
        '--expire-after <duration>',
        'unfinished uploads expire this long after their last PATCH (e.g. 30m, 24h, never)',
      ).argParser(checked(parseExpiry)),
    )
    .addOption(
      new Option(
        '--public-url <url>',
        'URL clients reach the endpoint at, behind a proxy (e.g. https://up.example/files)',
      ).argParser(checked(parseHttpUrl)),
    )
    .addOption(
      new Option(
        '--trust-proxy',
        "believe the proxy's Forwarded / X-Forwarded-Proto / X-Forwarded-Host",
      ),
    )
    .addOption(new Option('-q, --quiet', 'no log line per request'))
    .action(async (flags: ServeFlags) => {
      setCode(await serveCommand(flags, io));
    });
}

/** The server options the flags ask for. */
function serverOptions(flags: ServeFlags, directory: string, io: CliIo): TusServerOptions {
  return {
    directory,
    path: flags.path,
    allowedOrigins: flags.cors.includes('*') ? '*' : flags.cors,
    trustProxy: flags.trustProxy === true,
    ...(flags.maxSize === undefined ? {} : { maxSize: flags.maxSize }),
    ...(flags.expireAfter === undefined ? {} : { expireAfterMs: flags.expireAfter }),
    ...(flags.publicUrl === undefined ? {} : { publicUrl: flags.publicUrl }),
    onError: (error, context) => io.stderr.write(`${terminalText(errorLine(error, context))}\n`),
  };
}

/** Our tus server for the flags and an http.Server over it (not listening yet). */
async function createOurServer(
  options: TusServerOptions,
): Promise<{ tus: TusServer; server: Server; requestMethod: (req: IncomingMessage) => string }> {
  // Loaded on demand: the other commands never load the server.
  const { createTusServer, createUploadHttpServer, requestMethod } = await import(
    '../../server/index.js'
  );
  const tus = createTusServer(options);
  await tus.ready();
  // No cap on a request whose body is still moving (Node's 300 s requestTimeout is off).
  const server = createUploadHttpServer((req, res) => tus.handle(req, res));
  return { tus, server, requestMethod };
}

function errorLine(error: unknown, context: ServerErrorContext): string {
  const where = context.method === undefined ? context.during : `${context.method} ${context.url}`;
  return `${new Date().toISOString()} error ${where}: ${describeError(error)}`;
}

/** `<time> <method> <url> <status | aborted> <ms>ms`; the method as the server took it. */
function logLine(method: string, req: IncomingMessage, res: ServerResponse, ms: number): string {
  const outcome = res.writableFinished ? String(res.statusCode) : 'aborted';
  return `${new Date().toISOString()} ${method} ${req.url ?? '?'} ${outcome} ${ms}ms`;
}

/**
 * A file past `ulimit -f` raises SIGXFSZ. Node ignores it (the write then fails with EFBIG,
 * which the server answers 500), but the CLI loads signal-exit (through proper-lockfile),
 * which re-raises the signal and kills the process when it is the only listener. One more
 * listener keeps the server alive; it goes when the server stops.
 */
function keepAliveOnFileSizeLimit(): () => void {
  const ignore = (): void => {};
  process.on('SIGXFSZ', ignore);
  return () => process.removeListener('SIGXFSZ', ignore);
}

export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const directory = resolve(flags.dir);
  await mkdir(directory, { recursive: true });
  const { tus, server, requestMethod } = await createOurServer(serverOptions(flags, directory, io));
  if (flags.quiet !== true) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const startedAt = performance.now();
      const method = requestMethod(req);
      res.on('close', () => {
        const ms = Math.round(performance.now() - startedAt);
        // A client's request line and method override: none of its characters may act.
        io.stderr.write(`${terminalText(logLine(method, req, res, ms))}\n`);
      });
    });
  }
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(flags.port, flags.host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const restoreSignal = keepAliveOnFileSizeLimit();
  const { port } = server.address() as AddressInfo;
  const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
  const path = tus.options.path === '/' ? '' : tus.options.path;
  io.stdout.write(`listening on http://${host}:${port}${path}/\n`);
  for (const line of startLines(tus, directory)) io.stderr.write(`${line}\n`);

  const signal = await new Promise<string>((resolveStop) => {
    const remove = io.onInterrupt((name) => {
      remove();
      resolveStop(name);
    });
  });
  io.stderr.write(`${signal}: stopping\n`);
  server.closeIdleConnections();
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  // Uploads in flight get a moment to end; then their connections are cut (what arrived is kept).
  const timer = setTimeout(() => server.closeAllConnections(), 2000);
  timer.unref();
  await Promise.all([closed, tus.close()]);
  clearTimeout(timer);
  restoreSignal();
  io.stderr.write('stopped\n');
  return 0;
}

function startLines(tus: TusServer, directory: string): string[] {
  const { allowedOrigins, publicUrl, trustProxy } = tus.options;
  const cors =
    allowedOrigins === '*'
      ? 'any origin (--cors *)'
      : allowedOrigins.length === 0
        ? 'none (--cors ORIGIN allows one)'
        : allowedOrigins.join(', ');
  return [
    `uploads are stored in ${directory}; Ctrl-C stops the server`,
    ...(publicUrl === undefined ? [] : [`upload URLs are given on ${publicUrl}`]),
    ...(trustProxy ? ["upload URLs follow the proxy's Forwarded / X-Forwarded-* headers"] : []),
    `web pages that may upload (CORS): ${cors}`,
  ];
}
