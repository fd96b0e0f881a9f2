/**
 * `TusServer`: routes requests (the IETF draft's to src/server/ietf), checks
 * `Tus-Resumable`, applies `X-HTTP-Method-Override`, answers CORS (cors.ts), turns refusals
 * into answers (and unexpected errors into 500s told to `onError`), recovers the store at
 * start, expires uploads, closes gracefully.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TUS_VERSION } from '../protocol/constants.js';
import { corsHeaders } from './cors.js';
import { FileStore } from './file-store.node.js';
import { handleCreate } from './handle-create.node.js';
import { handleDelete, handleHead, handlePatch } from './handle-upload.node.js';
import { createUploadHttpServer } from './http-server.node.js';
import { isDraftRequest, optionsDraftHeaders, routeDraft } from './ietf/draft-router.node.js';
import { SERVER_CHECKSUM_ALGORITHMS } from './request-headers.js';
import { isExpired, type Reply, type ServerContext } from './server-context.js';
import {
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerErrorContext,
  type TusServerOptions,
} from './server-options.js';
import { type RecoveryReport, recoverStore } from './store-recovery.node.js';
import { UploadLocks } from './upload-locks.js';
import { isUploadId, type StoredUpload, TusServerRequestError } from './upload-record.js';
import { type RequestPlace, uploadIdFromUrl, uploadUrl } from './upload-urls.js';

/** The tus extensions the server offers (its `Tus-Extension` answer to OPTIONS). */
export const SERVER_EXTENSIONS = [
  'creation',
  'creation-with-upload',
  'creation-defer-length',
  'termination',
  'expiration',
  'checksum',
  'checksum-trailer',
  'concatenation',
] as const;

/** The method a request stands for: its `X-HTTP-Method-Override`, else its own (upper case). */
export function requestMethod(req: IncomingMessage): string {
  const override = req.headers['x-http-method-override'];
  return (typeof override === 'string' ? override : (req.method ?? '')).toUpperCase();
}

function placeOf(req: IncomingMessage): RequestPlace {
  return {
    headers: req.headers,
    encrypted: (req.socket as { encrypted?: boolean }).encrypted === true,
  };
}

/**
 * A tus server: tus 1.0 with every extension, and the IETF resumable-upload draft, over
 * file-system storage (see {@link TusServerOptions}). Mount {@link TusServer.handle} on a
 * `node:http` server of yours, or let {@link TusServer.listen} start one; then
 * {@link TusServer.close}. {@link createTusServer} makes one; `new TusServer(options)` is the
 * same.
 * @example
 * import { createServer } from 'node:http';
 * import { createTusServer } from 'resumable-upload/server';
 *
 * const tus = createTusServer({ directory: './uploads', path: '/files' });
 * createServer((req, res) => tus.handle(req, res)).listen(1080);
 */
export class TusServer {
  /** The options as resolved: what was given, with every default filled in. */
  readonly options: Readonly<ResolvedServerOptions>;
  readonly #store: FileStore;
  readonly #locks: UploadLocks;
  readonly #context: ServerContext;
  readonly #ready: Promise<RecoveryReport>;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #httpServer: Server | undefined;
  #closed = false;

  /** Checks `options` (a `TypeError` / `RangeError` naming a bad one) and starts the recovery of `directory`. */
  constructor(options: TusServerOptions) {
    this.options = resolveServerOptions(options);
    const { directory, fsync, fileSystem, recordCacheSize, lockWaitMs } = this.options;
    this.#store = new FileStore(directory, { fsync, fileSystem, cacheSize: recordCacheSize });
    this.#locks = new UploadLocks(lockWaitMs);
    this.#context = {
      options: this.options,
      store: this.#store,
      locks: this.#locks,
      uploadUrl: (req, id) => uploadUrl(placeOf(req), this.options, id),
      idFromUrl: (req, url) => uploadIdFromUrl(url, placeOf(req), this.options),
      finished: (upload) => this.#finished(upload),
    };
    this.#ready = this.#recover();
    this.#ready.catch(() => {});
    if (Number.isFinite(this.options.cleanupIntervalMs)) {
      this.#timer = setInterval(() => {
        this.cleanupExpired().catch((error: unknown) => this.#report(error, { during: 'cleanup' }));
      }, this.options.cleanupIntervalMs);
      this.#timer.unref();
    }
  }

  /**
   * Resolves once the storage folder is ready: created, and every upload in it made
   * consistent (see store-recovery.node.ts), with what that took.
   */
  ready(): Promise<RecoveryReport> {
    return this.#ready;
  }

  /**
   * A `node:http` request listener: `createUploadHttpServer((req, res) => tus.handle(req, res))`
   * (a server made otherwise: `configureUploadHttpServer(server)`, so that Node does not cut a
   * body still moving after 300 s).
   */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const work = this.#serve(req, res).finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
  }

  /** The file holding the bytes of upload `id` (for embedding apps and tests). */
  dataPath(id: string): string {
    return this.#store.dataPath(id);
  }

  /** The stored state of upload `id`, `undefined` when unknown. */
  getUpload(id: string): Promise<StoredUpload | undefined> {
    return this.#store.get(id);
  }

  /** How many upload records the memory cache holds (at most `recordCacheSize`). */
  get cachedRecords(): number {
    return this.#store.cachedRecords;
  }

  /** Removes every upload past its expiry (unfinished, or complete with `expireCompletedAfterMs`); resolves with how many. */
  async cleanupExpired(now = Date.now()): Promise<number> {
    await this.#ready;
    let removed = 0;
    for (const id of await this.#store.ids()) {
      const upload = await this.#store.get(id);
      if (upload === undefined || !isExpired(upload, now)) continue;
      let lease: Awaited<ReturnType<UploadLocks['take']>>;
      try {
        lease = await this.#locks.take(id, 'expired');
      } catch {
        continue; // held by a request that did not let go: the next cleanup tries again
      }
      try {
        const current = await this.#store.get(id);
        if (current !== undefined && isExpired(current, now)) {
          await this.#store.remove(id);
          removed++;
        }
      } finally {
        lease.release();
      }
    }
    return removed;
  }

  /**
   * Starts an http.Server of its own (`createUploadHttpServer`: no cap on a request whose
   * body is still moving); resolves with the creation endpoint URL.
   */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.#ready;
    const server = createUploadHttpServer((req, res) => this.handle(req, res));
    this.#httpServer = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shown}:${address.port}${this.options.path}`;
  }

  /** The http.Server `listen()` started, if any. */
  get httpServer(): Server | undefined {
    return this.#httpServer;
  }

  /**
   * Stops: no new connections (when `listen()` made the server), requests in flight get
   * `closeTimeoutMs` to end, then writers are stopped (what they received is kept).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const server = this.#httpServer;
    const stopped =
      server === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => server.close(() => resolve()));
    server?.closeIdleConnections();
    const settled = Promise.allSettled([...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.closeTimeoutMs);
    });
    if ((await Promise.race([settled, late])) === 'late') await this.#locks.stopAll('closing');
    clearTimeout(timer);
    await settled;
    server?.closeAllConnections();
    await stopped;
  }

  async #recover(): Promise<RecoveryReport> {
    const report = await recoverStore(this.#store, this.options);
    for (const id of report.unreadable) {
      const error = new Error(
        `${this.#store.infoPath(id)} cannot be read; upload ${id} answers 404`,
      );
      this.#report(error, { during: 'start' });
    }
    return report;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply | undefined;
    try {
      await this.#ready;
      reply = await this.#route(req, res);
    } catch (error) {
      reply = this.#errorReply(req, error);
    }
    if (reply === undefined || res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.#send(req, res, reply);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<Reply | undefined> {
    const method = requestMethod(req);
    const target = this.#target(req.url ?? '/');
    if (target === undefined)
      throw new TusServerRequestError(404, `nothing here; uploads live under ${this.options.path}`);
    if (method === 'OPTIONS') return this.#options(req);
    // The IETF draft is told apart here, at the edge, and handled in src/server/ietf.
    if (isDraftRequest(req.headers)) return routeDraft(this.#context, req, res, method, target);
    const version = req.headers['tus-resumable'];
    if (version !== TUS_VERSION) {
      throw new TusServerRequestError(
        412,
        `this server speaks tus ${TUS_VERSION}; send Tus-Resumable: ${TUS_VERSION}`,
        { 'Tus-Version': TUS_VERSION },
      );
    }
    if (target === 'collection') {
      if (method === 'POST') return handleCreate(this.#context, req);
      throw new TusServerRequestError(405, `${method} is not allowed on ${this.options.path}`, {
        Allow: 'POST, OPTIONS',
      });
    }
    if (method === 'HEAD') return handleHead(this.#context, req, target.id);
    if (method === 'PATCH') return handlePatch(this.#context, req, target.id);
    if (method === 'DELETE') return handleDelete(this.#context, target.id);
    throw new TusServerRequestError(405, `${method} is not allowed on an upload`, {
      Allow: 'HEAD, PATCH, DELETE, OPTIONS',
    });
  }

  /** `collection` for the creation URL, `{ id }` for an upload, `undefined` otherwise. */
  #target(url: string): 'collection' | { id: string } | undefined {
    let pathname: string;
    try {
      pathname = new URL(url, 'http://localhost').pathname;
    } catch {
      return undefined;
    }
    const base = this.options.path === '/' ? '' : this.options.path;
    if (pathname === base || pathname === `${base}/`) return 'collection';
    if (!pathname.startsWith(`${base}/`)) return undefined;
    const id = pathname.slice(base.length + 1);
    return isUploadId(id) ? { id } : undefined;
  }

  #options(req: IncomingMessage): Reply {
    const headers: Record<string, string> = {
      'Tus-Version': TUS_VERSION,
      'Tus-Extension': SERVER_EXTENSIONS.join(','),
      'Tus-Checksum-Algorithm': SERVER_CHECKSUM_ALGORITHMS.join(','),
    };
    if (Number.isFinite(this.options.maxSize))
      headers['Tus-Max-Size'] = String(this.options.maxSize);
    Object.assign(headers, optionsDraftHeaders(this.options, req.headers));
    return { status: 204, headers };
  }

  #errorReply(req: IncomingMessage, error: unknown): Reply {
    if (error instanceof TusServerRequestError) {
      return { status: error.status, headers: { ...error.headers }, body: error.message };
    }
    this.#report(error, { during: 'request', method: requestMethod(req), url: req.url });
    return { status: 500, body: 'the server failed to handle this request; try again later' };
  }

  #send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    res.statusCode = reply.status;
    if (!isDraftRequest(req.headers)) res.setHeader('Tus-Resumable', TUS_VERSION);
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    const preflight = req.headers['access-control-request-method'] !== undefined;
    const cors = corsHeaders(req.headers.origin, this.options.allowedOrigins, preflight, {
      credentials: this.options.allowCredentials,
    });
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (reply.body !== undefined && reply.status !== 204 && req.method !== 'HEAD') {
      res.setHeader('Content-Type', reply.contentType ?? 'text/plain; charset=utf-8');
      res.end(`${reply.body}\n`);
    } else {
      res.end();
    }
  }

  #report(error: unknown, context: ServerErrorContext): void {
    try {
      this.options.onError?.(error, context);
    } catch {
      // An onError that throws must not take the server down.
    }
  }

  async #finished(upload: StoredUpload): Promise<void> {
    try {
      await this.options.onUploadFinish?.({ ...upload });
    } catch (error) {
      this.#report(error, { during: 'hook' });
    }
  }
}

/** Our tus server over `directory`; `handle(req, res)` it, or `await listen()`. */
export function createTusServer(options: TusServerOptions): TusServer {
  return new TusServer(options);
}
