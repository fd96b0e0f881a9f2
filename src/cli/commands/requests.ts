/**
 * `info <url>`, `delete <url>`, `server-info --endpoint URL`: one request each.
 */

import { redactUrl, type ServerInfo, type UploadInfo } from '../../index.node.js';
import type { CliIo } from '../cli-io.js';
import { type ClientFlags, createClient } from '../client-options.js';
import { formatBytes } from '../units.js';
import { type OutputFlags, withFailureOutput, writeJson } from './json-output.js';

export interface RequestFlags extends ClientFlags, OutputFlags {}

/** The endpoint a client needs for an upload URL: the URL's own origin and folder. */
function endpointFor(uploadUrl: string): string {
  return new URL('.', uploadUrl).href;
}

function table(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}\n`).join('');
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

export async function infoCommand(url: string, flags: RequestFlags, io: CliIo): Promise<number> {
  const shown = redactUrl(url);
  return withFailureOutput(io, flags, { url: shown }, async () => {
    const client = createClient(endpointFor(url), flags);
    const info = await client.getUploadInfo(url);
    if (flags.json === true) writeJson(io, { url: shown, ...info, length: info.length ?? null });
    else io.stdout.write(formatUploadInfo(shown, info));
    return 0;
  });
}

export async function deleteCommand(url: string, flags: RequestFlags, io: CliIo): Promise<number> {
  const shown = redactUrl(url);
  return withFailureOutput(io, flags, { url: shown }, async () => {
    const client = createClient(endpointFor(url), flags);
    await client.deleteUpload(url);
    if (flags.json === true) writeJson(io, { url: shown, deleted: true });
    else io.stdout.write(`deleted ${shown}\n`);
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
        `hint: ${shown} answered without Tus-Version or Tus-Extension: is this a tus endpoint? (our server's is http://HOST:PORT/files/)\n`,
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
