/**
 * The `node:http` server an upload server runs on. Node's defaults end a request 300 s
 * after it began (`requestTimeout`), answering 408 to a PATCH whose body is still moving
 * (1 KiB every 2 s over a slow link): with a checksum nothing of it is kept, so a chunk that
 * takes longer could never be accepted. A moving body is never cut here; a stalled one is
 * the server's own to end, by its idle bound (`bodyIdleTimeoutMs`, reset by every byte).
 *
 * | setting            | here           | why                                                                     |
 * | ------------------ | -------------- | ----------------------------------------------------------------------- |
 * | `requestTimeout`   | 0 (off)        | no cap on a whole request; `bodyIdleTimeoutMs` ends stalls              |
 * | `headersTimeout`   | 60 s           | headers only: a client that never ends its headers is still cut. Set    |
 * |                    |                | here: Node derives its default from `requestTimeout` (0 would turn it   |
 * |                    |                | off too)                                                                |
 * | `timeout`          | Node's (0)     | socket inactivity: off, as server work (hashing a large upload at its   |
 * |                    |                | completion, a concatenation) sends and reads nothing for a while        |
 * | `keepAliveTimeout` | Node's (5 s)   | idle after an answer: between requests, and while Node drops the rest   |
 * |                    |                | of a body the server answered without reading (a refusal before any     |
 * |                    |                | byte), so such a body that stops coming is not held open either         |
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';

/** Node's `headersTimeout` default, set explicitly (see above). */
const HEADERS_TIMEOUT_MS = 60_000;

/** The settings `createUploadHttpServer` applies (`headersTimeout` unless given). */
export const UPLOAD_HTTP_SETTINGS = {
  requestTimeout: 0,
  headersTimeout: HEADERS_TIMEOUT_MS,
} as const;

/** Options of `createUploadHttpServer`: Node's, without the cap on a whole request. */
export type UploadHttpServerOptions = Omit<ServerOptions, 'requestTimeout'>;

/**
 * `node:http`'s `createServer` with the settings an upload server needs (see above).
 * @example
 * const server = createUploadHttpServer((req, res) => tus.handle(req, res));
 */
export function createUploadHttpServer(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  options: UploadHttpServerOptions = {},
): Server {
  return createServer({ ...UPLOAD_HTTP_SETTINGS, ...options, requestTimeout: 0 }, listener);
}

/**
 * Applies the settings an upload server needs to a server made elsewhere (for
 * `tus.handle`): no `requestTimeout`; a `headersTimeout` that is off gets 60 s. Returns it.
 */
export function configureUploadHttpServer<T extends Server>(server: T): T {
  server.requestTimeout = 0;
  if (server.headersTimeout === 0) server.headersTimeout = HEADERS_TIMEOUT_MS;
  return server;
}
