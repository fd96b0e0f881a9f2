/** What every benchmark section shares, and the scenario factories. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './args.js';
import { runWorker } from './children.js';
import type { BenchFiles } from './files.js';
import { type MeasureContext, type Outcome, type Scenario, timeoutFor } from './measure.js';
import { MiB } from './stats.js';

export interface SectionReport {
  title: string;
  /** Markdown lines. */
  lines: string[];
}

export interface BenchContext extends MeasureContext {
  options: BenchOptions;
  files: BenchFiles;
  /** file: URL of dist/index.node.js */
  clientUrl: string;
  /** file: URL of dist/server/index.js */
  serverUrl: string;
  /** Every outcome so far, by scenario key (the ratios read them). */
  outcomes: Map<string, Outcome>;
  /** Median MiB/s per algorithm, once the hash section ran. */
  hashRates: Record<string, number> | undefined;
  reports: SectionReport[];
}

export const CHUNK_1M = MiB;

function missing(url: string): string | undefined {
  const path = fileURLToPath(url);
  return existsSync(path) ? undefined : `${path} is not built`;
}

export interface FileUpload {
  endpoint: string;
  filePath: string;
  bytes: number;
}

/**
 * Our client uploading `upload`: at 1 MiB chunks with `checksum`, or with `'defaults'` no
 * option at all (`chunkSize: 'auto'`, sha1 when the server offers it).
 */
export function oursScenario(
  ctx: BenchContext,
  key: string,
  label: string,
  upload: FileUpload,
  checksum: false | 'sha1' | 'defaults',
  parallelUploads?: number,
): Scenario {
  const args: Record<string, unknown> = {
    mode: 'file',
    distUrl: ctx.clientUrl,
    endpoint: upload.endpoint,
    filePath: upload.filePath,
    ...(checksum === 'defaults' ? {} : { chunkSize: CHUNK_1M, checksum }),
  };
  if (parallelUploads !== undefined) args.parallelUploads = parallelUploads;
  return {
    key,
    label,
    worker: 'ours',
    args,
    timeoutMs: timeoutFor(upload.bytes),
    unavailable: missing(ctx.clientUrl),
  };
}

export function tusJsScenario(
  key: string,
  label: string,
  upload: FileUpload,
  chunkSize: number | null,
): Scenario {
  return {
    key,
    label,
    worker: 'tus-js',
    args: { mode: 'file', endpoint: upload.endpoint, filePath: upload.filePath, chunkSize },
    timeoutMs: timeoutFor(upload.bytes),
  };
}

export function rawScenario(
  key: string,
  label: string,
  upload: FileUpload,
  sha1 = false,
): Scenario {
  return {
    key,
    label,
    worker: 'raw-loop',
    args: { endpoint: upload.endpoint, filePath: upload.filePath, chunkSize: CHUNK_1M, sha1 },
    timeoutMs: timeoutFor(upload.bytes),
  };
}

/** `count` sequential uploads of 1 KiB each. */
export function smallScenario(
  ctx: BenchContext,
  key: string,
  label: string,
  client: 'ours' | 'tus-js',
  endpoint: string,
  count: number,
): Scenario {
  const common = { mode: 'small', endpoint, count, size: 1024 };
  const timeoutMs = 30_000 + count * 25;
  if (client === 'tus-js') {
    return { key, label, worker: 'tus-js', args: { ...common, chunkSize: null }, timeoutMs };
  }
  return {
    key,
    label,
    worker: 'ours',
    args: { ...common, distUrl: ctx.clientUrl, chunkSize: CHUNK_1M, checksum: false },
    timeoutMs,
    unavailable: missing(ctx.clientUrl),
  };
}

/** Records a section's outcomes in the shared map. */
export function keep(ctx: BenchContext, outcomes: Map<string, Outcome>): void {
  for (const [key, outcome] of outcomes) ctx.outcomes.set(key, outcome);
}

/** The reason a server-backed section cannot run, if any. */
export function serverUnavailable(ctx: BenchContext): string | undefined {
  return missing(ctx.serverUrl);
}

/**
 * One unmeasured raw upload of 32 MiB into a freshly started server, so its code is
 * warm (JIT-compiled) before the first measured run; without it the first scenario of
 * a section pays for the server's warm-up.
 */
export async function warmUp(ctx: BenchContext, endpoint: string): Promise<void> {
  const filePath = await ctx.files.file(32);
  try {
    await runWorker(
      join(ctx.workersDir, 'raw-loop.mjs'),
      { endpoint, filePath, chunkSize: CHUNK_1M },
      { timeoutMs: timeoutFor(32 * MiB) },
    );
  } catch (error) {
    ctx.log(`warm-up of ${endpoint} failed: ${(error as Error).message}`);
  }
}
