/**
 * Our tus server (`src/server`) on 127.0.0.1, port 0, under `/files`, storing in a temp dir
 * that `close()` removes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTusServer, type TusServer, type TusServerOptions } from '../../src/server/index.js';
import type { StartedTusServer } from './tus-node-server.js';

export interface StartedOurServer extends StartedTusServer {
  /** The server itself (options, hooks, `cleanupExpired()`, `getUpload()`). */
  server: TusServer;
}

export async function startOurServer(
  options: Omit<TusServerOptions, 'directory'> = {},
): Promise<StartedOurServer> {
  const directory = await mkdtemp(join(tmpdir(), 'our-tus-server-'));
  const server = createTusServer({ directory, path: '/files', ...options });
  const endpoint = await server.listen(0, '127.0.0.1');
  return {
    endpoint,
    directory,
    server,
    dataPath: (uploadUrl) => server.dataPath(new URL(uploadUrl).pathname.split('/').pop() ?? ''),
    async close() {
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
