/**
 * Our tus server (`createTusServer` from dist/server/index.js, passed as `distUrl`),
 * storing in `directory`, on 127.0.0.1 port 0 under /files. With `allowedOrigins` it is
 * passed on (the browser section's page origin). GET /__bench/stats answers counters taken
 * in front of the server: PATCHes, uploads created, CORS preflights. Prints `{"port":N}`
 * once listening; exits when its parent goes away.
 */
import { createServer, type RequestListener, Server } from 'node:http';
import { isPreflight } from './cors.js';
import { readArgs, serveOnLoopback } from './worker-io.js';

interface OurServerArgs {
  distUrl: string;
  directory: string;
  allowedOrigins?: string[];
}

const args = readArgs<OurServerArgs>();
const mod = (await import(args.distUrl)) as Record<string, unknown>;
const create = mod.createTusServer;
if (typeof create !== 'function') throw new Error(`${args.distUrl} has no createTusServer`);
const options: Record<string, unknown> = { directory: args.directory, path: '/files' };
if (args.allowedOrigins !== undefined) options.allowedOrigins = args.allowedOrigins;
const made: unknown = await create(options);

const counters = { bytesReceived: 0, uploadsCreated: 0, patches: 0, preflights: 0 };

/** Counts what the stats need, answers /__bench/stats, hands the rest to `listener`. */
function counting(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/__bench/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(counters));
      return;
    }
    if (isPreflight(req)) counters.preflights++;
    if (req.method === 'POST') counters.uploadsCreated++;
    if (req.method === 'PATCH') counters.patches++;
    if (req.method === 'PATCH' || req.method === 'POST') {
      counters.bytesReceived += Number(req.headers['content-length'] ?? 0) || 0;
    }
    listener(req, res);
  };
}

let listener: RequestListener;
const handle = (made as { handle?: unknown } | null)?.handle;
if (made instanceof Server) {
  // An http.Server of its own: its request listeners, behind the counting one.
  const own = made.listeners('request') as RequestListener[];
  listener = (req, res) => {
    for (const l of own) l.call(made, req, res);
  };
} else if (typeof made === 'function') listener = made as RequestListener;
else if (typeof handle === 'function') {
  listener = (req, res) => (handle as RequestListener).call(made, req, res);
} else {
  throw new Error('createTusServer returned no http.Server, request listener or handle()');
}
const server = createServer(counting(listener));
server.keepAliveTimeout = 30_000;
serveOnLoopback(server);
