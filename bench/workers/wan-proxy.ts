/**
 * The WAN emulator (test/helpers/wan-proxy.ts) in a process of its own, in front of
 * `targetPort` on 127.0.0.1. Prints `{"port":N}` once listening; exits when its parent
 * goes away or on SIGTERM.
 */
import { WanProxy, type WanProxyOptions } from '../../test/helpers/wan-proxy.js';
import { exitWithParent, readArgs } from './worker-io.js';

const proxy = new WanProxy(readArgs<WanProxyOptions>());
const port = await proxy.start();
process.stdout.write(`${JSON.stringify({ port })}\n`);
exitWithParent(() => void proxy.close());
process.on('SIGTERM', () => {
  void proxy.close().finally(() => process.exit(0));
});
