/**
 * Flags shared by the commands that talk to a server, and the `TusClient` options they map
 * to. The CLI adds nothing of its own: every flag is one client option.
 */

import type { ChecksumAlgorithm } from '../index.node.js';
import { FileUrlStorage, TusClient } from '../index.node.js';
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
  chunkSize?: number | undefined;
  checksum?: ChecksumAlgorithm | boolean | undefined;
  store?: boolean | undefined;
  storeFile?: string | undefined;
  /** `--proxy`: a proxy URL, or `''` for none (whatever the environment says). */
  proxy?: string | undefined;
}

export type TusClientOptions = NonNullable<ConstructorParameters<typeof TusClient>[1]>;

/** Whether this build of the library has the option or method named (added later by others). */
export function clientSupports(feature: 'storeUrl' | 'parallelUploads'): boolean {
  const proto = TusClient.prototype as unknown as Record<string, unknown>;
  if (feature === 'storeUrl') return typeof proto.findPreviousUploads === 'function';
  // parallelUploads came with the concatenation methods.
  return typeof proto.createFinalUpload === 'function';
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

/** The `TusClient` options for `flags`. */
export function clientOptions(flags: ClientFlags): TusClientOptions {
  const options: Record<string, unknown> = {};
  const headers = headersFrom(flags.header);
  if (Object.keys(headers).length > 0) options.headers = headers;
  if (flags.timeout !== undefined) options.timeout = flags.timeout;
  if (flags.retries !== undefined) options.maxRetries = flags.retries;
  if (flags.retryDelay !== undefined) options.retryDelay = flags.retryDelay;
  if (flags.insecure === true) options.verifyTlsCert = false;
  if (flags.chunkSize !== undefined) options.chunkSize = flags.chunkSize;
  if (flags.checksum !== undefined) options.checksum = flags.checksum;
  if (flags.proxy !== undefined && flags.proxy !== '') options.proxy = flags.proxy;
  if (flags.store === true) {
    options.storeUrl = true;
    if (flags.storeFile !== undefined)
      options.urlStorage = new FileUrlStorage({ path: flags.storeFile });
  }
  return options as TusClientOptions;
}

/**
 * A client for `endpoint`. Option validation errors of the library (TypeError, RangeError)
 * become usage errors (exit 2): the flags were checked already, so this is a safety net.
 */
export function createClient(endpoint: string, flags: ClientFlags): TusClient {
  // Without --proxy, the environment's proxy for this URL (proxy-env.ts).
  const fromEnv = flags.proxy === undefined ? proxyFromEnv(endpoint, process.env) : undefined;
  try {
    return new TusClient(
      endpoint,
      clientOptions({ ...flags, proxy: flags.proxy ?? fromEnv?.proxy }),
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
