/**
 * The set-up of the CLI suites that kill or interrupt an upload: our server, the gate
 * proxy in front of it (to hold PATCHes at a chosen point) and a temp dir, started
 * before the suite's tests and stopped after them.
 */
import { after, before } from 'node:test';
import { startOurServer } from '../helpers/our-server.js';
import { makeTempDir, type TempDir } from './fixtures.js';
import { type GateProxy, startGateProxy } from './gate-proxy.js';

export type OurServer = Awaited<ReturnType<typeof startOurServer>>;

export interface GatedSuite {
  server: OurServer;
  proxy: GateProxy;
  dir: TempDir;
}

/** Call inside `describe`; the fields are set once the suite's `before` has run. */
export function useGatedServer(): GatedSuite {
  const suite = {} as GatedSuite;
  before(async () => {
    suite.server = await startOurServer();
    suite.proxy = await startGateProxy(suite.server.endpoint);
    suite.dir = await makeTempDir();
  });
  after(async () => {
    await suite.proxy?.close();
    await suite.server?.close();
    await suite.dir?.remove();
  });
  return suite;
}

/** `upload FILE` through the suite's gate in 64 KiB chunks, then `extra`. */
export function gatedUpload(suite: GatedSuite, file: string, ...extra: string[]): string[] {
  const endpoint = suite.proxy.endpointFor(suite.server.endpoint);
  return ['upload', file, '-e', endpoint, '--chunk-size', '64KiB', ...extra];
}
