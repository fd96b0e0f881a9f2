/** The lines that tell people how to go on: resume a file, or start it afresh. */
import { redactUrl } from '../../index.node.js';
import { shellQuote } from '../cli-io.js';
import type { TransferResult } from './job.js';

export interface HintSettings {
  /** `--store-file` as given (repeated in the hint), `undefined` for the default. */
  storeFile: string | undefined;
}

function storeArg(settings: HintSettings): string {
  return settings.storeFile === undefined ? '' : ` --store-file ${shellQuote(settings.storeFile)}`;
}

/** How to continue an unfinished file. */
export function resumeHint(result: TransferResult, settings: HintSettings): string {
  const name = result.job.name;
  if (result.job.path === undefined) {
    return `${name}: standard input cannot be resumed: send it again`;
  }
  if (result.url === undefined) {
    return `${name}: no upload was created yet: run the same command again`;
  }
  const file = shellQuote(name);
  if (result.stored) return `to resume: resumable-upload resume ${file}${storeArg(settings)}`;
  const shown = redactUrl(result.url);
  if (shown === result.url) {
    return `to resume: resumable-upload resume ${file} --url ${shellQuote(shown)}`;
  }
  return `to resume: resumable-upload resume ${file} --url <the upload URL, not shown: it carries a credential; with the URL store on (the default), resume needs no --url>`;
}

/** The upload is gone from the server: how to start again. */
export function goneHint(name: string, endpoint: string): string {
  return `${name}: the upload is gone from the server (expired or deleted): start afresh with resumable-upload upload ${shellQuote(name)} --endpoint ${shellQuote(redactUrl(endpoint))}`;
}
