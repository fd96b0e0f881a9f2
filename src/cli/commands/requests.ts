/**
 * `info <url>`, `delete <url>`, `server-info --endpoint URL`: one request each.
 */

import { redactUrl, type ServerInfo, type UploadInfo } from '../../index.node.js';
import { storedEndpoint } from '../batch/stored-uploads.js';
import type { CliIo } from '../cli-io.js';
import { type ClientFlags, createClient, openUrlStore } from '../client-options.js';
import { credentialScope } from '../credential-scope.js';
import { terminalText } from '../terminal-text.js';
import { formatBytes } from '../units.js';
import { type OutputFlags, withFailureOutput, writeJson } from './json-output.js';

export interface RequestFlags extends ClientFlags, OutputFlags {}

/** `info` and `delete`: the request flags, `--endpoint` and `--store-file`. */
export interface UrlRequestFlags extends RequestFlags {
  endpoint?: string | undefined;
  storeFile?: string | undefined;
}

/**
 * A client for requests to `url`: credentials only to `--endpoint`'s origin, else to the
 * endpoint the URL store kept with the upload, else to the URL's own (the user named it).
 */
async function clientFor(url: string, flags: UrlRequestFlags, io: CliIo) {
  let stored: string | undefined;
  if (flags.endpoint === undefined) {
    const warn = (message: string) => io.stderr.write(`warning: ${message}\n`);
    const store = openUrlStore(flags.storeFile, warn);
    stored = await storedEndpoint(store.storage, url).catch((error: unknown) => {
      warn(`the URL store was not read (${(error as Error).message})`);
      return undefined;
    });
  }
  const scope = credentialScope(url, { given: flags.endpoint, stored, named: true }, flags);
  return createClient(scope.endpoint, scope.flags);
}

function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  // The values are the server's (metadata, versions, extensions): none may act.
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${terminalText(value)}\n`).join('');
}

export function formatUploadInfo(url: string, info: UploadInfo): string {
  const percent =
    info.length === undefined || info.length === 0
      ? ''
      : ` (${Math.floor((info.offset / info.length) * 100)}%)`;
  const metadata = Object.entries(info.metadata)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return table([
    ['url', url],
    ['offset', `${info.offset} (${formatBytes(info.offset)})`],
    [
      'length',
      info.length === undefined ? 'deferred' : `${info.length} (${formatBytes(info.length)})`,
    ],
    ['complete', `${info.complete ? 'yes' : 'no'}${percent}`],
    ['metadata', metadata === '' ? '-' : metadata],
  ]);
}

export function formatServerInfo(endpoint: string, info: ServerInfo): string {
  return table([
    ['endpoint', endpoint],
    ['version', `${info.version} (supported: ${info.versions.join(', ') || '-'})`],
    ['extensions', info.extensions.join(', ') || '-'],
    [
      'max size',
      info.maxSize === undefined ? '-' : `${info.maxSize} (${formatBytes(info.maxSize)})`,
    ],
    ['checksums', info.checksumAlgorithms.join(', ') || '-'],
  ]);
}

export async function infoCommand(url: string, flags: UrlRequestFlags, io: CliIo): Promise<number> {
  const shown = redactUrl(url);
  return withFailureOutput(io, flags, { url: shown }, async () => {
    const client = await clientFor(url, flags, io);
    const info = await client.getUploadInfo(url);
    if (flags.json === true) writeJson(io, { url: shown, ...info, length: info.length ?? null });
    else io.stdout.write(formatUploadInfo(shown, info));
    return 0;
  });
}

export async function deleteCommand(
  url: string,
  flags: UrlRequestFlags,
  io: CliIo,
): Promise<number> {
  const shown = redactUrl(url);
  return withFailureOutput(io, flags, { url: shown }, async () => {
    const client = await clientFor(url, flags, io);
    await client.deleteUpload(url);
    if (flags.json === true) writeJson(io, { url: shown, deleted: true });
    else io.stdout.write(`deleted ${terminalText(shown)}\n`);
    return 0;
  });
}

export async function serverInfoCommand(
  endpoint: string,
  flags: RequestFlags,
  io: CliIo,
): Promise<number> {
  const shown = redactUrl(endpoint);
  return withFailureOutput(io, flags, { endpoint: shown }, async () => {
    const client = createClient(endpoint, flags);
    const info = await client.getServerInfo();
    if (info.versions.length === 0 && info.extensions.length === 0) {
      io.stderr.write(
        `hint: ${terminalText(shown)} answered without Tus-Version or Tus-Extension: is this a tus endpoint? (our server's is http://HOST:PORT/files/)\n`,
      );
    }
    if (flags.json === true) {
      writeJson(io, { endpoint: shown, ...info, maxSize: info.maxSize ?? null });
    } else {
      io.stdout.write(formatServerInfo(shown, info));
    }
    return 0;
  });
}
