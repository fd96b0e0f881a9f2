/**
 * `upload <file…> --endpoint URL` and `resume <file> --url URL`.
 */
import type { CliIo } from '../cli-io.js';
import { type ClientFlags, clientSupports, createClient } from '../client-options.js';
import { chooseProgressMode, createProgressReporter } from '../progress.js';
import { CliUsageError } from '../units.js';
import { runTransfers, type TransferJob } from './transfer.js';

export interface TransferFlags extends ClientFlags {
  json?: boolean | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  progressInterval: number;
}

export interface UploadFlags extends TransferFlags {
  endpoint: string;
  metadata: Record<string, string>;
  concurrency: number;
  parallel?: number | undefined;
}

export interface ResumeFlags extends TransferFlags {
  url: string;
}

function reporterFor(flags: TransferFlags, io: CliIo) {
  const mode = chooseProgressMode(io.stderr, flags.quiet === true);
  return {
    mode,
    reporter: createProgressReporter(mode, io.stderr, { intervalMs: flags.progressInterval }),
  };
}

/** The `--store` decision: on by default when the library can store URLs. */
function storeSetting(flags: UploadFlags): boolean {
  if (flags.store === false) return false;
  const supported = clientSupports('storeUrl');
  if (flags.store === true && !supported) {
    throw new CliUsageError('not supported yet by this version of the library', '--store');
  }
  return supported;
}

export async function uploadCommand(
  files: readonly string[],
  flags: UploadFlags,
  io: CliIo,
): Promise<number> {
  if (flags.parallel !== undefined && flags.parallel > 1 && !clientSupports('parallelUploads')) {
    throw new CliUsageError('not supported yet by this version of the library', '--parallel');
  }
  const store = storeSetting(flags);
  const client = createClient(flags.endpoint, { ...flags, store });
  const { mode, reporter } = reporterFor(flags, io);
  const jobs: TransferJob[] = files.map((file) => ({ file }));
  return runTransfers(jobs, {
    client,
    io,
    reporter,
    printLive: !(mode === 'bar' && io.stdout.isTTY === true),
    json: flags.json === true,
    verbose: flags.verbose === true,
    concurrency: flags.concurrency,
    metadata: flags.metadata,
    lookupStored: store,
    parallelUploads:
      flags.parallel !== undefined && flags.parallel > 1 ? flags.parallel : undefined,
  });
}

export async function resumeCommand(file: string, flags: ResumeFlags, io: CliIo): Promise<number> {
  const client = createClient(new URL('.', flags.url).href, { ...flags, store: false });
  const { mode, reporter } = reporterFor(flags, io);
  return runTransfers([{ file, uploadUrl: flags.url }], {
    client,
    io,
    reporter,
    printLive: !(mode === 'bar' && io.stdout.isTTY === true),
    json: flags.json === true,
    verbose: flags.verbose === true,
    concurrency: 1,
    metadata: {},
    lookupStored: false,
  });
}
