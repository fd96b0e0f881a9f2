/**
 * Sections against the null tus server (another process): issue 3/8 client comparison,
 * flatness over file sizes, 1 KiB uploads, and node:crypto hash rates.
 */
import { join } from 'node:path';
import { runWorker, startServer } from './children.js';
import {
  type BenchContext,
  CHUNK_1M,
  keep,
  oursScenario,
  rawScenario,
  type SectionReport,
  smallScenario,
  tusJsScenario,
  warmUp,
} from './context.js';
import { measure, type Scenario, summarize } from './measure.js';
import { fmt, fmtSize, MiB, median } from './stats.js';
import { speedTable, uploadsTable } from './tables.js';

async function withNullServer<T>(
  ctx: BenchContext,
  body: (endpoint: string) => Promise<T>,
): Promise<T> {
  const server = await startServer('null server', join(ctx.workersDir, 'null-server.mjs'), {});
  try {
    await warmUp(ctx, server.endpoint);
    return await body(server.endpoint);
  } finally {
    await server.stop();
  }
}

export async function nullSection(ctx: BenchContext): Promise<SectionReport> {
  const mib = ctx.options.sizeMiB;
  const filePath = await ctx.files.file(mib);
  const outcomes = await withNullServer(ctx, (endpoint) => {
    const upload = { endpoint, filePath, bytes: mib * MiB };
    return measure(
      ctx,
      'null',
      [
        rawScenario('null.raw', 'raw keep-alive loop, 1 MiB PATCHes (ceiling)', upload),
        oursScenario(ctx, 'null.ours.off', 'ours, 1 MiB, checksum off', upload, false),
        oursScenario(ctx, 'null.ours.sha1', 'ours, 1 MiB, sha1', upload, 'sha1'),
        oursScenario(ctx, 'null.ours.defaults', 'ours, defaults (auto, sha1)', upload, 'defaults'),
        rawScenario(
          'null.raw.sha1',
          'raw loop + sha1, next chunk read and hashed during the PATCH (no library)',
          upload,
          true,
        ),
        tusJsScenario('null.tusjs.1', 'tus-js-client 4.3.1, 1 MiB', upload, CHUNK_1M),
        tusJsScenario('null.tusjs.8', 'tus-js-client 4.3.1, 8 MiB', upload, 8 * CHUNK_1M),
        tusJsScenario('null.tusjs.inf', 'tus-js-client 4.3.1, Infinity', upload, null),
      ],
      ctx.options.runs,
    );
  });
  keep(ctx, outcomes);
  return {
    title: `Issues 3 and 8: ${fmtSize(mib)} file to the null tus server`,
    lines: [
      'The null server (bench/workers/null-server.ts, its own process) discards bodies and',
      'advertises checksum sha1,sha256,sha512,md5 without verifying. Each row is a fresh',
      '`node` process; peak RSS is its VmHWM at the end. The "raw loop + sha1" row is our',
      "client's design for checksums (read and hash chunk n+1 while chunk n is on the wire)",
      'written out in 40 lines with nothing else: what that design reaches on this machine.',
      '',
      ...speedTable([...outcomes.values()]),
    ],
  };
}

export async function flatSection(ctx: BenchContext): Promise<SectionReport> {
  const sizes = ctx.options.flatMiB;
  const scenarios: Scenario[] = [];
  const outcomes = await withNullServer(ctx, async (endpoint) => {
    for (const mib of sizes) {
      const upload = { endpoint, filePath: await ctx.files.file(mib), bytes: mib * MiB };
      scenarios.push(
        oursScenario(
          ctx,
          `flat.${mib}`,
          `ours, ${fmtSize(mib)}, 1 MiB, checksum off`,
          upload,
          false,
        ),
        oursScenario(
          ctx,
          `flat.defaults.${mib}`,
          `ours, ${fmtSize(mib)}, defaults (auto, sha1)`,
          upload,
          'defaults',
        ),
      );
    }
    return measure(ctx, 'flat', scenarios, ctx.options.runs);
  });
  keep(ctx, outcomes);
  const first = summarize(outcomes.get(`flat.${sizes[0]}`));
  const last = summarize(outcomes.get(`flat.${sizes[sizes.length - 1]}`));
  const growth =
    first !== undefined && last !== undefined
      ? `Peak RSS grows by ${fmt(last.maxRssMiB - first.maxRssMiB)} MiB (max vs max) from ${fmtSize(sizes[0] ?? 0)} to ${fmtSize(sizes[sizes.length - 1] ?? 0)}; speed changes by ${fmt(((last.mibps - first.mibps) / first.mibps) * 100)} %.`
      : 'Not enough runs to compare sizes.';
  const largest = sizes[sizes.length - 1] ?? 0;
  const defaults = summarize(outcomes.get(`flat.defaults.${largest}`));
  const rss =
    defaults === undefined
      ? ''
      : `At the defaults (chunkSize 'auto', sha1), ${fmtSize(largest)}: peak RSS ${fmt(defaults.maxRssMiB)} MiB (max of the runs; issue 14's target: ≤ 96 MiB at 4 GiB): ${defaults.maxRssMiB <= 96 ? 'PASS' : 'MISS'}.`;
  return {
    title: 'Issues 3 and 8: flatness (our client over file sizes, null server)',
    lines: [...speedTable([...outcomes.values()]), '', growth, ...(rss === '' ? [] : ['', rss])],
  };
}

export async function smallSection(ctx: BenchContext): Promise<SectionReport> {
  const count = ctx.options.smallCount;
  const outcomes = await withNullServer(ctx, (endpoint) =>
    measure(
      ctx,
      'small',
      [
        smallScenario(ctx, 'small.ours', `ours, ${count} × 1 KiB`, 'ours', endpoint, count),
        smallScenario(
          ctx,
          'small.tusjs',
          `tus-js-client 4.3.1, ${count} × 1 KiB`,
          'tus-js',
          endpoint,
          count,
        ),
      ],
      ctx.options.runs,
    ),
  );
  keep(ctx, outcomes);
  return {
    title: `Issue 8: ${count} sequential 1 KiB uploads (null server)`,
    lines: [
      'Each upload is a whole `uploadFile` / `new Upload().start()` with default options',
      '(tus-js-client: no retries), one after the other in one process.',
      '',
      ...uploadsTable([...outcomes.values()]),
    ],
  };
}

const ALGORITHMS = ['sha1', 'sha256', 'sha512', 'md5'];

export async function hashSection(ctx: BenchContext): Promise<SectionReport> {
  const perAlgorithm = new Map<string, number[]>(ALGORITHMS.map((a) => [a, []]));
  let error: string | undefined;
  for (let run = 1; run <= ctx.options.runs && Date.now() <= ctx.deadline; run++) {
    try {
      const result = await runWorker(
        join(ctx.workersDir, 'hash-rates.mjs'),
        { algorithms: ALGORITHMS, mib: ctx.options.hashMiB },
        { timeoutMs: 120_000 },
      );
      const rates = result.rates as Record<string, number>;
      for (const a of ALGORITHMS) perAlgorithm.get(a)?.push(rates[a] ?? Number.NaN);
      ctx.log(
        `[hash] run ${run}/${ctx.options.runs}: ${ALGORITHMS.map((a) => `${a} ${fmt(rates[a])}`).join(', ')} MiB/s`,
      );
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      ctx.log(`[hash] FAILED: ${error}`);
      break;
    }
  }
  const lines = ['| algorithm | MiB/s (median) | min–max | runs |', '|---|---:|---:|---:|'];
  const rates: Record<string, number> = {};
  for (const [a, values] of perAlgorithm) {
    if (values.length === 0) continue;
    rates[a] = median(values);
    lines.push(
      `| ${a} | ${fmt(rates[a])} | ${fmt(Math.min(...values))}–${fmt(Math.max(...values))} | ${values.length} |`,
    );
  }
  if (Object.keys(rates).length > 0) ctx.hashRates = rates;
  if (error !== undefined) lines.push('', `Failed: ${error}`);
  return {
    title: 'Issue 8: node:crypto digest rates over 1 MiB buffers',
    lines: [
      `One digest per 1 MiB buffer (as per chunk), ${ctx.options.hashMiB} MiB per algorithm per run.`,
      '',
      ...lines,
    ],
  };
}
