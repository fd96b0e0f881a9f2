/** The real tus servers the security tests run against, started on 127.0.0.1 port 0. */
import { startOurServer } from '../../helpers/our-server.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';

export const REAL_SERVERS: readonly {
  name: string;
  start: () => Promise<StartedTusServer>;
}[] = [
  { name: 'our server', start: () => startOurServer() },
  { name: '@tus/server', start: () => startTusNodeServer() },
];
