/**
 * A TCP sink for the link check: reads and discards everything a connection sends and,
 * once the sender has ended, answers the byte count as one line and closes. Prints
 * `{"port":N}` once listening on 127.0.0.1; exits when its parent goes away or on SIGTERM.
 */
import { createServer } from 'node:net';
import { exitWithParent } from './worker-io.js';

const server = createServer({ allowHalfOpen: true }, (socket) => {
  let bytes = 0;
  socket.on('data', (data: Buffer) => {
    bytes += data.length;
  });
  socket.on('end', () => socket.end(`${bytes}\n`));
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
exitWithParent(() => server.close());
process.on('SIGTERM', () => process.exit(0));
