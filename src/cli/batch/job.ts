/** One input of a batch (`TransferJob`) and what happened to it (`TransferResult`). */
import type { UploadStats } from '../../index.node.js';

export interface TransferJob {
  /** What the output names: the argument as given, a path under a directory argument, or `-`. */
  name: string;
  /** The file to read; `undefined` for standard input. */
  path: string | undefined;
  /** This file's metadata: `filename`, `filetype`, `relativePath`, then `--metadata`. */
  metadata: Record<string, string>;
  /** `resume`: the upload to continue (else a new upload, or the stored one). */
  uploadUrl?: string | undefined;
  /** Standard input's size (`--size`), when known. */
  size?: number | undefined;
  /** Why this argument cannot be uploaded (no such file, a directory without --recursive). */
  problem?: Error | undefined;
}

/**
 * - `uploaded`: a new upload, all of it sent now;
 * - `resumed`: an earlier upload continued from the server's offset;
 * - `already-done`: nothing to send (finished in an earlier run of the batch, or complete);
 * - `failed`, `interrupted`.
 */
export type TransferStatus = 'uploaded' | 'resumed' | 'already-done' | 'failed' | 'interrupted';

export interface TransferResult {
  job: TransferJob;
  status: TransferStatus;
  url: string | undefined;
  size: number | undefined;
  /** Bytes the server held before this run. */
  resumedFrom: number;
  /** Bytes this run sent that the server confirmed. */
  bytesSent: number;
  stats: UploadStats | undefined;
  error?: unknown;
  /** The URL store holds this upload: `resume FILE` (without --url) continues it. */
  stored: boolean;
  /** The server no longer has the upload (404, 410): it can only be started afresh. */
  gone?: boolean | undefined;
}

export function isOk(result: TransferResult): boolean {
  return result.status !== 'failed' && result.status !== 'interrupted';
}
