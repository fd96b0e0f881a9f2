/**
 * The power-loss rig: one HTTP listener on 127.0.0.1 in front of a succession of our
 * `TusServer` instances, each on a view of one `PowerLossFs`. When the disk's countdown of
 * operations runs out, the power is cut at once (inside the server's file-system call):
 * every connection is destroyed (nothing more leaves the dead instance), everything not
 * durable is dropped, the instance is thrown away without a close, and a new one starts on
 * what survived and recovers. Requests that arrive meanwhile wait for the new instance to
 * be ready.
 *
 * The test checks the disk at two moments: just after the cut (what survived, before any
 * recovery) and just after the recovery (before any request is let in).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  createTusServer,
  type RecoveryReport,
  type StoreFileSystem,
  type TusServer,
  type TusServerOptions,
} from '../../src/server/index.js';
import type { CutReport, PowerLossFs } from '../helpers/power-loss-fs.js';

export interface RigHooks {
  /** Called synchronously right after a cut, on the disk as it survived. */
  afterCut(cut: CutReport & { keep: number; op: string; during: 'recovery' | 'serving' }): void;
  /** Called once a new instance recovered, before any request reaches it. */
  afterRecovery(report: RecoveryReport): void;
  /** The next countdown of operations before a cut (`Infinity`: no more cuts). */
  nextCountdown(): number;
  /** The share of volatile changes that survive the next cut. */
  nextKeep(): number;
  /** What each instance stores through, made of a view of the disk (the view itself by default). */
  fileSystem?(view: StoreFileSystem): StoreFileSystem;
}

/** Starts in a row that may fail (a disk with faults fails a recovery now and then). */
const MAX_FAILED_STARTS = 50;

interface Instance {
  server: TusServer;
  ready: Promise<boolean>;
}

export class PowerRig {
  readonly directory: string;
  readonly #options: Omit<TusServerOptions, 'directory' | 'fileSystem'>;
  readonly #hooks: RigHooks;
  readonly #http: Server;
  readonly #sockets = new Set<Socket>();
  #disk: PowerLossFs | undefined;
  #instance: Instance | undefined;
  #waiters: (() => void)[] = [];
  #countdown = Number.POSITIVE_INFINITY;
  #generation = 0;
  #armed = true;
  #recovering = false;
  /** Errors of a live instance that were not caused by a cut (a bug to look at). */
  readonly serverErrors: unknown[] = [];
  /** Starts whose recovery failed without a cut (a disk fault); the rig starts again. */
  failedStarts = 0;
  #failedInARow = 0;
  /** A recovery that kept failing without a cut: fatal for the run. */
  fatal: unknown;
  endpoint = '';

  constructor(
    directory: string,
    options: Omit<TusServerOptions, 'directory' | 'fileSystem'>,
    hooks: RigHooks,
  ) {
    this.directory = directory;
    this.#options = options;
    this.#hooks = hooks;
    this.#http = createServer((req, res) => this.#handle(req, res));
    this.#http.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    const { port } = this.#http.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${port}/files`;
    return this.endpoint;
  }

  /** Puts a fresh disk in and starts an instance on it; resolves once it is ready. */
  async start(disk: PowerLossFs): Promise<void> {
    if (this.#disk !== undefined) this.#disk.onOperation = undefined;
    this.#disk = disk;
    disk.onOperation = (op) => this.#tick(op);
    // The previous disk's instance goes, as in a cut (it is idle: its run is over).
    this.#generation++;
    for (const socket of this.#sockets) socket.destroy();
    this.#instance = undefined;
    this.#armed = true;
    this.#boot();
    await this.#nextInstance();
  }

  /** No more cuts from now on (until the next `start`). */
  disarm(): void {
    this.#armed = false;
    this.#countdown = Number.POSITIVE_INFINITY;
  }

  /** Cuts the power now, with `keep`, and resolves once the next instance recovered. */
  async cutNow(keep: number, op = 'by the test'): Promise<void> {
    this.#cut(op, keep);
    await this.#nextInstance();
  }

  /** The instance serving now (after `start` or `cutNow`). */
  get server(): TusServer | undefined {
    return this.#instance?.server;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#instance?.server.close();
  }

  /** Waits for an instance to be there (one is booted after each cut) and for its recovery. */
  async #nextInstance(): Promise<void> {
    for (;;) {
      if (this.fatal !== undefined) throw this.fatal;
      const instance = this.#instance;
      if (instance !== undefined && (await instance.ready)) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #tick(op: string): void {
    this.#countdown--;
    if (this.#countdown <= 0) this.#cut(op, this.#hooks.nextKeep());
  }

  #cut(op: string, keep: number): void {
    const disk = this.#disk;
    if (disk === undefined) throw new Error('no disk');
    this.#generation++;
    this.#countdown = Number.POSITIVE_INFINITY;
    for (const socket of this.#sockets) socket.destroy();
    this.#instance = undefined;
    const during = this.#recovering ? 'recovery' : 'serving';
    const report = disk.cut(keep);
    this.#hooks.afterCut({ ...report, keep, op, during });
    setImmediate(() => this.#boot());
  }

  #boot(): void {
    const disk = this.#disk;
    if (disk === undefined || this.#instance !== undefined) return;
    const generation = this.#generation;
    this.#countdown = this.#armed ? this.#hooks.nextCountdown() : Number.POSITIVE_INFINITY;
    this.#recovering = true;
    const server = createTusServer({
      ...this.#options,
      directory: this.directory,
      fileSystem: this.#hooks.fileSystem?.(disk.view()) ?? disk.view(),
      onError: (error) => {
        if (this.#generation === generation) this.serverErrors.push(error);
      },
    });
    if (this.#generation !== generation) return; // cut during the constructor's first call
    const instance: Instance = { server, ready: Promise.resolve(false) };
    instance.ready = server.ready().then(
      (report) => {
        if (this.#generation !== generation) return false;
        this.#recovering = false;
        this.#failedInARow = 0;
        this.#hooks.afterRecovery(report);
        return true;
      },
      (error: unknown) => {
        if (this.#generation !== generation) return false;
        this.#recovering = false;
        this.failedStarts++;
        if (++this.#failedInARow >= MAX_FAILED_STARTS) {
          this.fatal ??= error;
        } else if (this.#instance === instance) {
          // As an operator would: start again on the same disk.
          this.#instance = undefined;
          setImmediate(() => this.#boot());
        }
        return false;
      },
    );
    this.#instance = instance;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const instance = this.#instance;
    if (instance === undefined) {
      this.#waiters.push(() => this.#handle(req, res));
      return;
    }
    void instance.ready.then((ok) => {
      if (res.destroyed) return;
      if (!ok || this.#instance !== instance) {
        if (this.fatal !== undefined) res.destroy();
        else this.#handle(req, res);
        return;
      }
      instance.server.handle(req, res);
    });
  }
}
