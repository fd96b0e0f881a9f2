/**
 * `list [--check]`: the unfinished uploads in the URL store (file, size, when, URL; with
 * `--check` what the server holds). `forget FILE|URL`: removes entries from the store
 * (the upload itself stays on the server: `delete URL` removes that).
 */

import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { redactUrl, TusCommunicationError } from '../../index.node.js';
import { errorJson } from '../batch/results.js';
import { forgetFile, forgetUrl, type StoredFile, storedFiles } from '../batch/stored-uploads.js';
import type { CliIo } from '../cli-io.js';
import { type ClientFlags, createClient, openUrlStore } from '../client-options.js';
import { type CredentialScope, credentialScope } from '../credential-scope.js';
import { terminalText } from '../terminal-text.js';
import { formatBytes, NotStoredError } from '../units.js';
import { type OutputFlags, withFailureOutput, writeJson } from './json-output.js';

export interface StoreFlags extends ClientFlags, OutputFlags {
  storeFile?: string | undefined;
  check?: boolean | undefined;
  /** `list --check --endpoint`: the origin the credential headers are for. */
  endpoint?: string | undefined;
}

type ServerState =
  | { offset: number; length: number | null; complete: boolean }
  | { gone: true; status: number }
  | { error: Record<string, unknown> };

function storeOf(flags: StoreFlags, io: CliIo) {
  return openUrlStore(flags.storeFile, (message) => io.stderr.write(`warning: ${message}\n`));
}

function fileOf(entry: StoredFile): string {
  const file = entry.file ?? `(${entry.metadata.filename ?? 'unknown file'})`;
  return entry.part === undefined ? file : `${file} (part ${entry.part})`;
}

async function serverState(
  entry: StoredFile,
  flags: StoreFlags,
  note: (scope: CredentialScope) => void,
): Promise<ServerState> {
  try {
    // Credentials to --endpoint's origin, else to the entry's own endpoint; none for an
    // entry stored without one (see credential-scope.ts).
    const sources = { given: flags.endpoint, stored: entry.endpoint, named: false };
    const scope = credentialScope(entry.uploadUrl, sources, flags);
    if (scope.withheld.length > 0) note(scope);
    const client = createClient(scope.endpoint, scope.flags);
    try {
      const info = await client.getUploadInfo(entry.uploadUrl);
      return { offset: info.offset, length: info.length ?? null, complete: info.complete };
    } finally {
      await client.close();
    }
  } catch (error) {
    if (error instanceof TusCommunicationError && (error.status === 404 || error.status === 410)) {
      return { gone: true, status: error.status };
    }
    return { error: errorJson(error) };
  }
}

function stateText(state: ServerState): string {
  if ('gone' in state) return `gone (${state.status}: expired or deleted)`;
  if ('error' in state) return `unknown (${String(state.error.message)})`;
  const length = state.length === null ? '?' : formatBytes(state.length);
  return `server has ${formatBytes(state.offset)} of ${length}${state.complete ? ' (complete)' : ''}`;
}

export async function listCommand(flags: StoreFlags, io: CliIo): Promise<number> {
  const store = storeOf(flags, io);
  return withFailureOutput(io, flags, { store: store.path }, async () => {
    const entries = await storedFiles(store.storage);
    if (entries.length === 0 && flags.json !== true) {
      io.stderr.write(`no unfinished uploads in ${store.path}\n`);
    }
    let noted = false;
    const note = (scope: CredentialScope) => {
      if (noted) return;
      noted = true;
      io.stderr.write(
        `note: ${scope.withheld.join(', ')} not sent for uploads stored without the endpoint they were created at (by an earlier version); give --endpoint with the URL you uploaded to, to send it to that origin\n`,
      );
    };
    for (const entry of entries) {
      const state = flags.check === true ? await serverState(entry, flags, note) : undefined;
      if (flags.json === true) {
        writeJson(io, {
          file: entry.file ?? null,
          part: entry.part ?? null,
          url: redactUrl(entry.uploadUrl),
          size: entry.size ?? null,
          createdAt: entry.createdAt,
          metadata: entry.metadata,
          ...(state === undefined ? {} : { server: state }),
        });
        continue;
      }
      const check = state === undefined ? '' : `  ${stateText(state)}`;
      io.stdout.write(
        `${terminalText(`${fileOf(entry)}  ${formatBytes(entry.size)}  stored ${entry.createdAt}${check}  ${redactUrl(entry.uploadUrl)}`)}\n`,
      );
    }
    return 0;
  });
}

/** Whether `text` is an http(s) URL rather than a file name. */
function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/** Why `forget` found nothing: no store file at all, or no entry for `target` in it. */
async function notStored(target: string, path: string): Promise<NotStoredError> {
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    return new NotStoredError(
      `${target}: nothing to forget: there is no URL store at ${path} yet (nothing was stored there; another one is chosen with --store-file)`,
    );
  }
  return new NotStoredError(
    `${target}: nothing to forget: the URL store ${path} has no entry for it (it finished, was forgotten, or was never stored; resumable-upload list shows what is stored)`,
  );
}

export async function forgetCommand(target: string, flags: StoreFlags, io: CliIo): Promise<number> {
  const store = storeOf(flags, io);
  return withFailureOutput(io, flags, { target }, async () => {
    const gone = isUrl(target)
      ? await forgetUrl(store.storage, new URL(target).href)
      : await forgetFile(store.storage, resolve(target));
    if (gone.length === 0) throw await notStored(target, store.path);
    if (flags.json === true) {
      writeJson(io, {
        target,
        forgotten: gone.map((entry) => ({
          file: entry.file ?? null,
          url: redactUrl(entry.uploadUrl),
        })),
      });
    } else {
      for (const entry of gone)
        io.stdout.write(
          `${terminalText(`forgot ${redactUrl(entry.uploadUrl)}  ${fileOf(entry)}`)}\n`,
        );
    }
    return 0;
  });
}
