/**
 * Flags shared by the commands that talk to a server, and the `TusClient` options they map
 * to; and the URL store the CLI uses (a `FileUrlStorage` at `--store-file`, fingerprints
 * that need no full read: `FileStatFingerprint`).
 */

import type { ChecksumAlgorithm, TusClientOptions, UrlStorage } from '../index.node.js';
import {
  defaultUrlStoragePath,
  FileStatFingerprint,
  FileUrlStorage,
  TusClient,
} from '../index.node.js';
import { SizedUrlStorage } from './batch/sized-url-storage.js';
import { parseHeader } from './flag-values.js';
import { proxyFromEnv } from './proxy-env.js';
import { CliUsageError } from './units.js';

/** Client flags after commander parsed them. */
export interface ClientFlags {
  /** Raw `--header` values, `Name: value`. */
  header: readonly string[];
  timeout?: number | undefined;
  retries?: number | undefined;
  retryDelay?: number | undefined;
  insecure?: boolean | undefined;
  /** `undefined` (`auto`): the library's choice. */
  chunkSize?: number | undefined;
  checksum?: ChecksumAlgorithm | boolean | undefined;
  /** `--limit-rate`: bytes per second for all the requests of the command. */
  limitRate?: number | undefined;
  /** `--proxy`: a proxy URL, or `''` for none (whatever the environment says). */
  proxy?: string | undefined;
}

/** `--header` values → a header record; a bad one is a usage error that hides the value. */
export function headersFrom(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const text of raw) {
    try {
      const [name, value] = parseHeader(text);
      headers[name] = value;
    } catch (error) {
      throw new CliUsageError((error as Error).message, '--header');
    }
  }
  return headers;
}

/** The URL store of the CLI: where it is, and the storage. */
export interface CliUrlStore {
  path: string;
  storage: UrlStorage;
}

/** The URL store at `storeFile` (or the library's default path). */
export function openUrlStore(
  storeFile: string | undefined,
  warn: (message: string) => void,
): CliUrlStore {
  const path = storeFile ?? defaultUrlStoragePath();
  return { path, storage: new SizedUrlStorage(new FileUrlStorage({ path, onWarning: warn })) };
}

/** The `TusClient` options for `flags`, with `store` when URLs are remembered. */
export function clientOptions(flags: ClientFlags, store?: CliUrlStore): TusClientOptions {
  const options: Record<string, unknown> = {};
  const headers = headersFrom(flags.header);
  if (Object.keys(headers).length > 0) options.headers = headers;
  if (flags.timeout !== undefined) options.timeout = flags.timeout;
  if (flags.retries !== undefined) options.maxRetries = flags.retries;
  if (flags.retryDelay !== undefined) options.retryDelay = flags.retryDelay;
  if (flags.insecure === true) options.verifyTlsCert = false;
  if (flags.chunkSize !== undefined) options.chunkSize = flags.chunkSize;
  if (flags.checksum !== undefined) options.checksum = flags.checksum;
  if (flags.limitRate !== undefined) options.maxBytesPerSecond = flags.limitRate;
  if (flags.proxy !== undefined && flags.proxy !== '') options.proxy = flags.proxy;
  if (store !== undefined) {
    options.storeUrl = true;
    options.urlStorage = store.storage;
    options.fingerprinter = new FileStatFingerprint();
    // The CLI forgets an entry itself, once the batch journal has the file: a kill in
    // between then finds a complete upload (one HEAD), never uploads the file again.
    options.removeFingerprintOnSuccess = false;
  }
  return options as TusClientOptions;
}

/**
 * A client for `endpoint`. Option validation errors of the library (TypeError, RangeError)
 * become usage errors (exit 2): the flags were checked already, so this is a safety net.
 */
export function createClient(endpoint: string, flags: ClientFlags, store?: CliUrlStore): TusClient {
  // Without --proxy, the environment's proxy for this URL (proxy-env.ts).
  const fromEnv = flags.proxy === undefined ? proxyFromEnv(endpoint, process.env) : undefined;
  try {
    return new TusClient(
      endpoint,
      clientOptions({ ...flags, proxy: flags.proxy ?? fromEnv?.proxy }, store),
    );
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      const where =
        fromEnv !== undefined && /^proxy /.test(error.message) ? `$${fromEnv.variable}: ` : '';
      throw new CliUsageError(`${where}${error.message}`);
    }
    throw error;
  }
}
