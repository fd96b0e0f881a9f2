/**
 * @tus/server 2 with @tus/file-store in `directory`, on 127.0.0.1 port 0 under /files.
 * Prints `{"port":N}` once listening; exits when its parent goes away.
 */
import { createServer } from 'node:http';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import { readArgs, serveOnLoopback } from './worker-io.js';

interface TusNodeArgs {
  directory: string;
}

const args = readArgs<TusNodeArgs>();
const tus = new Server({ path: '/files', datastore: new FileStore({ directory: args.directory }) });
const server = createServer((req, res) => {
  tus.handle(req, res).catch(() => res.destroy());
});
serveOnLoopback(server);
