/**
 * `@tus/server` + `@tus/file-store` on 127.0.0.1, port 0, under `/files`, storing in a temp
 * dir that `close()` removes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';

export interface StartedTusServer {
  /** The creation endpoint, e.g. `http://127.0.0.1:40123/files`. */
  endpoint: string;
  /** Where the uploads are stored. */
  directory: string;
  /** Stops the server and removes `directory`. */
  close(): Promise<void>;
  /** The file holding the bytes of `uploadUrl`. */
  dataPath(uploadUrl: string): string;
}

export interface TusNodeServerOptions {
  /** Runs before @tus/server for every request; return `true` when it answered itself. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export async function startTusNodeServer(
  options: TusNodeServerOptions = {},
): Promise<StartedTusServer> {
  const root = await mkdtemp(join(tmpdir(), 'tus-node-server-'));
  // FileStore makes its directory with an fs.mkdir whose callback throws on failure. Given
  // one that exists, it checks it with a second call, and a close() in between (a server
  // started and closed at once) made that throw ENOENT into whichever test ran. So it gets
  // one to create, and close() waits for it before removing anything.
  const directory = join(root, 'data');
  const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) });
  const server = createServer((req, res) => {
    if (options.intercept?.(req, res) === true) return;
    tus.handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/files`,
    directory,
    dataPath: (uploadUrl) => join(directory, new URL(uploadUrl).pathname.split('/').pop() ?? ''),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await made(directory);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Resolves once `path` exists (FileStore's own mkdir is done), or after 5 s. */
async function made(path: string): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 10) {
    try {
      await stat(path);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
