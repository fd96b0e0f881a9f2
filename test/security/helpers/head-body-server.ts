/**
 * A raw HTTP/1.1 server on 127.0.0.1 that breaks RFC 9110 as the seed's Python server
 * does: HEAD → 404 with a body (with `Connection: close` and the socket ended, when
 * `close`); a CORS preflight → 204 allowing anything; anything else → 204. Headers and
 * body go out in one write.
 */
import { createServer, type Server, type Socket } from 'node:net';

const CORS = 'Access-Control-Allow-Origin: *\r\n';
const PREFLIGHT =
  `${CORS}Access-Control-Allow-Methods: POST, HEAD, PATCH, DELETE, OPTIONS\r\n` +
  'Access-Control-Allow-Headers: *\r\nAccess-Control-Max-Age: 0\r\n';

export async function startHeadBodyServer(
  close: boolean,
): Promise<{ origin: string; stop(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        if (head.startsWith('HEAD ')) {
          const body = 'upload not found\n';
          socket.write(
            `HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n` +
              `${CORS}${close ? 'Connection: close\r\n' : ''}\r\n${body}`,
          );
          if (close) socket.end();
        } else if (head.startsWith('OPTIONS ') && /access-control-request-method/i.test(head)) {
          socket.write(`HTTP/1.1 204 No Content\r\n${PREFLIGHT}\r\n`);
        } else {
          socket.write(`HTTP/1.1 204 No Content\r\nTus-Resumable: 1.0.0\r\n${CORS}\r\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}
