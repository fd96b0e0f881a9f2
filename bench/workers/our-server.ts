/**
 * Our tus server (`createTusServer` from dist/server/index.js, passed as `distUrl`),
 * storing in `directory`, on 127.0.0.1 port 0 under /files. Prints `{"port":N}` once
 * listening; exits when its parent goes away.
 */
import { createServer, type RequestListener, Server } from 'node:http';
import { readArgs, serveOnLoopback } from './worker-io.js';

interface OurServerArgs {
  distUrl: string;
  directory: string;
}

const args = readArgs<OurServerArgs>();
const mod = (await import(args.distUrl)) as Record<string, unknown>;
const create = mod.createTusServer;
if (typeof create !== 'function') throw new Error(`${args.distUrl} has no createTusServer`);
const made: unknown = await create({ directory: args.directory, path: '/files' });
let server: Server;
const handle = (made as { handle?: unknown } | null)?.handle;
if (made instanceof Server) server = made;
else if (typeof made === 'function') server = createServer(made as RequestListener);
else if (typeof handle === 'function') {
  server = createServer((req, res) => {
    (handle as RequestListener).call(made, req, res);
  });
} else {
  throw new Error('createTusServer returned no http.Server, request listener or handle()');
}
server.keepAliveTimeout = 30_000;
serveOnLoopback(server);
