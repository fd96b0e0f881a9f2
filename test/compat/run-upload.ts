/** Runs a compat `Upload` to its end (its callbacks as a promise and a record); a suite's server. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type {
  DetailedError,
  HttpResponse,
  UploadOptions,
} from '../../src/index.tus-js-client.node.js';
import { Upload } from '../../src/index.tus-js-client.node.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';

export interface UploadRecord {
  upload: Upload;
  /** `[bytesSent, bytesTotal]` of every `onProgress`. */
  progress: [number, number][];
  /** `[chunkSize, bytesAccepted, bytesTotal]` of every `onChunkComplete`. */
  chunks: [number, number, number][];
  /** Settles on `onSuccess` (with `lastResponse`) or `onError` (rejects with the error). */
  done: Promise<HttpResponse>;
}

export function startUpload(
  file: ConstructorParameters<typeof Upload>[0],
  options: UploadOptions,
  start = true,
): UploadRecord {
  const progress: [number, number][] = [];
  const chunks: [number, number, number][] = [];
  let settle: { resolve(r: HttpResponse): void; reject(e: DetailedError | Error): void };
  const done = new Promise<HttpResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const upload = new Upload(file, {
    ...options,
    onProgress: (sent, total) => {
      progress.push([sent, total]);
      options.onProgress?.(sent, total);
    },
    onChunkComplete: (size, accepted, total) => {
      chunks.push([size, accepted, total]);
      options.onChunkComplete?.(size, accepted, total);
    },
    onSuccess: (payload) => settle.resolve(payload.lastResponse),
    onError: (error) => settle.reject(error),
  });
  if (start) upload.start();
  return { upload, progress, chunks, done };
}

/** Our server behind a recording proxy, and a temp dir, for one suite (`before`/`after`). */
export interface ProxiedServer {
  server: StartedOurServer;
  proxy: FaultProxy;
  dir: string;
  /** SHA-256 of the bytes the server stored for `url`. */
  stored(url: string): Promise<string>;
}

export function useProxiedServer(): ProxiedServer {
  const env = {} as ProxiedServer;
  before(async () => {
    env.server = await startOurServer();
    env.proxy = await startFaultProxy(env.server.endpoint);
    env.dir = await mkdtemp(join(tmpdir(), 'compat-'));
    env.stored = async (url) => sha256(await readFile(env.server.dataPath(url)));
  });
  after(async () => {
    await env.proxy?.close();
    await env.server?.close();
    if (env.dir !== undefined) await rm(env.dir, { recursive: true, force: true });
  });
  return env;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
