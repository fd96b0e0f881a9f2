/**
 * `upload <file|dir|-…> --endpoint URL` and `resume <file> [--url URL]`: jobs from the
 * arguments, a client for the batch (one, so `--limit-rate` holds for all of it), the URL
 * store and the batch journal next to it, then the batch runner.
 */
import { dirname, join, resolve } from 'node:path';
import { runBatch } from '../batch/batch-runner.js';
import { expandInputs } from '../batch/inputs.js';
import type { TransferJob } from '../batch/job.js';
import { BatchJournal, batchKey } from '../batch/journal.js';
import { storedEndpoint } from '../batch/stored-uploads.js';
import type { CliIo } from '../cli-io.js';
import {
  type ClientFlags,
  type CliUrlStore,
  createClient,
  openUrlStore,
} from '../client-options.js';
import { credentialScope, withheldNote } from '../credential-scope.js';
import { chooseProgressMode, createProgressReporter } from '../progress/progress.js';
import { CliUsageError, NotStoredError } from '../units.js';

export interface TransferFlags extends ClientFlags {
  json?: boolean | undefined;
  verbose?: boolean | undefined;
  quiet?: boolean | undefined;
  progressInterval: number;
  store?: boolean | undefined;
  storeFile?: string | undefined;
}

export interface UploadFlags extends TransferFlags {
  endpoint: string;
  metadata: Record<string, string>;
  concurrency: number;
  parallel?: number | undefined;
  recursive?: boolean | undefined;
  size?: number | undefined;
}

export interface ResumeFlags extends TransferFlags {
  url?: string | undefined;
  /** `--endpoint`: the origin the credential headers are for. */
  endpoint?: string | undefined;
}

/** The library's default retries, when `--retries` is not given. */
const DEFAULT_RETRIES = 3;

function reporterFor(flags: TransferFlags, io: CliIo, files: number) {
  const mode = chooseProgressMode(io.stderr, flags.quiet === true);
  return createProgressReporter(mode, io.stderr, io.stdout, {
    intervalMs: flags.progressInterval,
    files,
  });
}

function storeFor(flags: TransferFlags, io: CliIo): CliUrlStore | undefined {
  if (flags.store === false) return undefined;
  return openUrlStore(flags.storeFile, (message) => io.stderr.write(`warning: ${message}\n`));
}

function runSettings(flags: TransferFlags, io: CliIo, files: number) {
  return {
    io,
    reporter: reporterFor(flags, io, files),
    json: flags.json === true,
    quiet: flags.quiet === true,
    verbose: flags.verbose === true,
    stdin: io.stdin,
    maxRetries: flags.retries ?? DEFAULT_RETRIES,
    storeFile: flags.storeFile,
  };
}

export async function uploadCommand(
  args: readonly string[],
  flags: UploadFlags,
  io: CliIo,
): Promise<number> {
  if (args.filter((arg) => arg === '-').length > 1) {
    throw new CliUsageError('standard input (-) can be given once');
  }
  if (flags.size !== undefined && !args.includes('-')) {
    throw new CliUsageError('is the size of standard input: give - as a file too', '--size');
  }
  const store = storeFor(flags, io);
  const client = createClient(flags.endpoint, flags, store);
  const recursive = flags.recursive === true;
  const { jobs, notes, hadDirectory } = await expandInputs(args, {
    recursive,
    metadata: flags.metadata,
    stdinSize: flags.size,
  });
  for (const note of notes) io.stderr.write(`note: ${note}\n`);
  const journal =
    store !== undefined && (jobs.length > 1 || hadDirectory)
      ? await BatchJournal.open(
          join(dirname(store.path), 'batches'),
          batchKey(
            flags.endpoint,
            args.map((arg) => (arg === '-' ? arg : resolve(arg))),
            recursive,
          ),
        )
      : undefined;
  try {
    return await runBatch(jobs, {
      ...runSettings(flags, io, jobs.length),
      client,
      endpoint: client.url,
      storage: store?.storage,
      journal,
      concurrency: flags.concurrency,
      parallelUploads:
        flags.parallel !== undefined && flags.parallel > 1 ? flags.parallel : undefined,
    });
  } finally {
    await client.close();
  }
}

export async function resumeCommand(file: string, flags: ResumeFlags, io: CliIo): Promise<number> {
  const store = storeFor(flags, io);
  if (flags.url === undefined && store === undefined) {
    throw new CliUsageError(
      'resume without --url finds the upload in the URL store: drop --no-store',
      '--url',
    );
  }
  const path = resolve(file);
  let url = flags.url;
  let stored: string | undefined;
  let problem: Error | undefined;
  if (url === undefined && store !== undefined) {
    // The endpoint matters only to create uploads; a look-up sends no request.
    const lookup = createClient('http://localhost/', flags, store);
    const [previous] = await lookup.findPreviousUploads({ filePath: path }).catch((error) => {
      problem = error as Error;
      return [];
    });
    url = previous?.uploadUrl;
    stored = previous?.endpoint;
    if (url === undefined && problem === undefined) {
      problem = new NotStoredError(
        `${file}: no stored upload for this file (it finished, was forgotten, changed since, or is under 1 MiB, which is not stored): pass --url URL, or upload it again`,
      );
    }
  } else if (url !== undefined && store !== undefined && flags.endpoint === undefined) {
    stored = await storedEndpoint(store.storage, url).catch(() => undefined);
  }
  const job: TransferJob = { name: file, path, metadata: {}, uploadUrl: url, problem };
  const scope =
    url === undefined
      ? undefined
      : credentialScope(
          url,
          { given: flags.endpoint, stored, named: flags.url !== undefined },
          flags,
        );
  if (url !== undefined && scope !== undefined && scope.withheld.length > 0) {
    io.stderr.write(`${withheldNote(`the upload of ${file}`, url, scope)}\n`);
  }
  const client = createClient(scope?.endpoint ?? 'http://localhost/', scope?.flags ?? flags, store);
  try {
    return await runBatch([job], {
      ...runSettings(flags, io, 1),
      client,
      endpoint: client.url,
      storage: store?.storage,
      journal: undefined,
      concurrency: 1,
      parallelUploads: undefined,
    });
  } finally {
    await client.close();
  }
}
