/**
 * `TusServer`: routes requests, checks `Tus-Resumable`, applies `X-HTTP-Method-Override`,
 * answers CORS, turns refusals into answers, expires uploads, closes gracefully.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TUS_VERSION } from '../protocol/constants.js';
import { FileStore, isUploadId } from './file-store.node.js';
import { handleCreate } from './handle-create.node.js';
import { handleDelete, handleHead, handlePatch } from './handle-upload.node.js';
import { SERVER_CHECKSUM_ALGORITHMS } from './request-headers.js';
import { isExpired, type Reply, type ServerContext, UploadLocks } from './server-context.js';
import {
  type ResolvedServerOptions,
  resolveServerOptions,
  type TusServerOptions,
} from './server-options.js';
import { type StoredUpload, TusServerRequestError } from './upload-record.js';

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

const TUS_HEADERS = [
  'Upload-Offset',
  'Upload-Length',
  'Upload-Defer-Length',
  'Upload-Metadata',
  'Upload-Concat',
  'Upload-Checksum',
  'Upload-Expires',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
];
const ALLOW_HEADERS = [
  ...TUS_HEADERS,
  'Authorization',
  'Content-Type',
  'Cache-Control',
  'X-HTTP-Method-Override',
  'X-Requested-With',
  'X-Request-ID',
].join(', ');
const EXPOSE_HEADERS = [...TUS_HEADERS, 'Location'].join(', ');
const METHODS = 'POST, HEAD, PATCH, DELETE, OPTIONS';

export class TusServer {
  readonly options: Readonly<ResolvedServerOptions>;
  readonly #store: FileStore;
  readonly #locks = new UploadLocks();
  readonly #context: ServerContext;
  readonly #ready: Promise<void>;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #httpServer: Server | undefined;
  #closed = false;

  constructor(options: TusServerOptions) {
    this.options = resolveServerOptions(options);
    this.#store = new FileStore(this.options.directory, this.options.fsync);
    this.#context = {
      options: this.options,
      store: this.#store,
      locks: this.#locks,
      uploadUrl: (req, id) => this.#uploadUrl(req, id),
      idFromUrl: (url) => this.#idFromUrl(url),
      finished: (upload) => this.#finished(upload),
    };
    this.#ready = this.#store.recover();
    this.#ready.catch(() => {});
    if (Number.isFinite(this.options.cleanupIntervalMs)) {
      this.#timer = setInterval(() => {
        this.cleanupExpired().catch((error: unknown) => this.options.onError?.(error));
      }, this.options.cleanupIntervalMs);
      this.#timer.unref();
    }
  }

  /** Resolves once the storage folder is ready (created, crashed writes cut back). */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** A `node:http` request listener: `createServer((req, res) => tus.handle(req, res))`. */
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

  /** Removes every unfinished upload past its `Upload-Expires`; resolves with how many. */
  async cleanupExpired(now = Date.now()): Promise<number> {
    await this.#ready;
    let removed = 0;
    for (const id of await this.#store.ids()) {
      const upload = await this.#store.get(id);
      if (upload !== undefined && isExpired(upload, now)) {
        await this.#locks.interrupt(id);
        await this.#store.remove(id);
        removed++;
      }
    }
    return removed;
  }

  /** Starts an http.Server of its own; resolves with the creation endpoint URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.#ready;
    const server = createServer((req, res) => this.handle(req, res));
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
   * `closeTimeoutMs` to end, then writers are interrupted (what they received is kept).
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
    if ((await Promise.race([settled, late])) === 'late') await this.#locks.interruptAll();
    clearTimeout(timer);
    await settled;
    server?.closeAllConnections();
    await stopped;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply | undefined;
    try {
      await this.#ready;
      reply = await this.#route(req);
    } catch (error) {
      reply = this.#errorReply(error);
    }
    if (reply === undefined || res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.#send(req, res, reply);
  }

  async #route(req: IncomingMessage): Promise<Reply | undefined> {
    const override = req.headers['x-http-method-override'];
    const method = (typeof override === 'string' ? override : (req.method ?? '')).toUpperCase();
    const target = this.#target(req.url ?? '/');
    if (target === undefined)
      throw new TusServerRequestError(404, `nothing here; uploads live under ${this.options.path}`);
    if (method === 'OPTIONS') return this.#options(req);
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
    if (method === 'HEAD') return handleHead(this.#context, target.id);
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
    if (req.headers['access-control-request-method'] !== undefined) {
      headers['Access-Control-Allow-Methods'] = METHODS;
      headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS;
      headers['Access-Control-Max-Age'] = '86400';
    }
    return { status: 204, headers };
  }

  #errorReply(error: unknown): Reply {
    if (error instanceof TusServerRequestError) {
      return { status: error.status, headers: { ...error.headers }, body: error.message };
    }
    this.options.onError?.(error);
    return { status: 500, body: 'the server failed to handle this request; try again later' };
  }

  #send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    res.statusCode = reply.status;
    res.setHeader('Tus-Resumable', TUS_VERSION);
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    const origin = req.headers.origin;
    if (origin !== undefined && this.#originAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
      if (this.options.allowCredentials) res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (reply.body !== undefined && reply.status !== 204 && req.method !== 'HEAD') {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`${reply.body}\n`);
    } else {
      res.end();
    }
  }

  #originAllowed(origin: string): boolean {
    const allowed = this.options.allowedOrigins;
    return allowed === '*' || allowed.includes(origin);
  }

  #uploadUrl(req: IncomingMessage, id: string): string {
    const path = `${this.options.path === '/' ? '' : this.options.path}/${id}`;
    const host = req.headers.host;
    if (host === undefined || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return path;
    const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
    return `${secure ? 'https' : 'http'}://${host}${path}`;
  }

  #idFromUrl(url: string): string | undefined {
    const target = this.#target(url);
    return typeof target === 'object' ? target.id : undefined;
  }

  async #finished(upload: StoredUpload): Promise<void> {
    try {
      await this.options.onUploadFinish?.({ ...upload });
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

/** Our tus server over `directory`; `handle(req, res)` it, or `await listen()`. */
export function createTusServer(options: TusServerOptions): TusServer {
  return new TusServer(options);
}
