/**
 * Runs scenarios (one fresh worker process per run), interleaved run by run so that
 * machine noise spreads over all of them, within the time budget.
 */
import { join } from 'node:path';
import { runWorker } from './children.js';
import { fmt, MiB, median } from './stats.js';

export type WorkerName = 'ours' | 'tus-js' | 'raw-loop' | 'hash-rates' | 'link-probe' | 'chromium';

export interface Scenario {
  /** Stable key, used by the ratios. */
  key: string;
  /** Row label. */
  label: string;
  worker: WorkerName;
  args: Record<string, unknown>;
  timeoutMs: number;
  /** Set when the scenario cannot run at all (e.g. dist not built): skipped with this reason. */
  unavailable?: string | undefined;
  /** Runs it instead of the worker script (a run that is no node process, e.g. Chromium). */
  run?: (() => Promise<Record<string, unknown>>) | undefined;
}

export interface Sample {
  /** The round (1-based) it was taken in: samples of one round are side by side. */
  round: number;
  ms: number;
  bytes: number;
  mibps: number;
  rssMiB: number;
  uploads: number | undefined;
  raw: Record<string, unknown>;
}

export interface Outcome {
  scenario: Scenario;
  samples: Sample[];
  error: string | undefined;
  skipped: string | undefined;
}

export interface Summary {
  mibps: number;
  minMibps: number;
  maxMibps: number;
  rssMiB: number;
  maxRssMiB: number;
  /** uploads per second (small-upload runs), median */
  uploadsPerSecond: number;
  runs: number;
}

export function summarize(outcome: Outcome | undefined): Summary | undefined {
  if (outcome === undefined || outcome.samples.length === 0) return undefined;
  const speeds = outcome.samples.map((s) => s.mibps);
  const rss = outcome.samples.map((s) => s.rssMiB);
  const ups = outcome.samples.map((s) => ((s.uploads ?? 0) * 1000) / s.ms);
  return {
    mibps: median(speeds),
    minMibps: Math.min(...speeds),
    maxMibps: Math.max(...speeds),
    rssMiB: median(rss),
    maxRssMiB: Math.max(...rss),
    uploadsPerSecond: median(ups),
    runs: outcome.samples.length,
  };
}

/** The note to print in a table cell instead of figures. */
export function outcomeNote(outcome: Outcome | undefined): string | undefined {
  if (outcome === undefined) return 'not run';
  if (outcome.samples.length > 0) return undefined;
  if (outcome.skipped !== undefined) return `skipped: ${outcome.skipped}`;
  if (outcome.error !== undefined) return `failed: ${outcome.error}`;
  return 'no result';
}

export interface MeasureContext {
  workersDir: string;
  deadline: number;
  log(line: string): void;
}

function toSample(result: Record<string, unknown>, round: number): Sample {
  const ms = Number(result.ms);
  const bytes = Number(result.bytes);
  if (!(ms > 0) || !(bytes >= 0)) throw new Error(`bad worker result ${JSON.stringify(result)}`);
  return {
    round,
    ms,
    bytes,
    mibps: bytes / MiB / (ms / 1000),
    rssMiB: Number(result.peakRssMiB),
    uploads: typeof result.uploads === 'number' ? result.uploads : undefined,
    raw: result,
  };
}

/**
 * `runs` rounds; each round runs every scenario once, then `between()` (e.g. empty a
 * server's directory). A scenario that fails or is skipped is not run again.
 */
export async function measure(
  ctx: MeasureContext,
  section: string,
  scenarios: readonly Scenario[],
  runs: number,
  between?: () => void | Promise<void>,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  for (const scenario of scenarios) {
    outcomes.set(scenario.key, { scenario, samples: [], error: undefined, skipped: undefined });
  }
  for (let run = 1; run <= runs; run++) {
    for (const scenario of scenarios) {
      const outcome = outcomes.get(scenario.key)!;
      if (outcome.error !== undefined || outcome.skipped !== undefined) continue;
      if (scenario.unavailable !== undefined) {
        outcome.skipped = scenario.unavailable;
        ctx.log(`[${section}] ${scenario.label}: skipped: ${outcome.skipped}`);
        continue;
      }
      if (Date.now() > ctx.deadline) {
        outcome.skipped = `time budget spent after ${outcome.samples.length} of ${runs} runs`;
        ctx.log(`[${section}] ${scenario.label}: ${outcome.skipped}`);
        continue;
      }
      try {
        const script = join(ctx.workersDir, `${scenario.worker}.mjs`);
        const result =
          scenario.run === undefined
            ? await runWorker(script, scenario.args, { timeoutMs: scenario.timeoutMs })
            : await scenario.run();
        if (typeof result.skipped === 'string') {
          outcome.skipped = result.skipped;
          ctx.log(`[${section}] ${scenario.label}: skipped: ${result.skipped}`);
          continue;
        }
        const sample = toSample(result, run);
        outcome.samples.push(sample);
        const rate =
          sample.uploads === undefined
            ? `${fmt(sample.mibps)} MiB/s`
            : `${fmt((sample.uploads * 1000) / sample.ms)} uploads/s`;
        const rss = Number.isFinite(sample.rssMiB) ? `, peak RSS ${fmt(sample.rssMiB)} MiB` : '';
        ctx.log(`[${section}] ${scenario.label} run ${run}/${runs}: ${rate}${rss}`);
      } catch (error) {
        outcome.error = error instanceof Error ? error.message : String(error);
        ctx.log(`[${section}] ${scenario.label} run ${run}/${runs} FAILED: ${outcome.error}`);
      }
    }
    await between?.();
  }
  return outcomes;
}

/** Timeout for moving `bytes`: generous (10 MiB/s floor) but bounded. */
export function timeoutFor(bytes: number): number {
  return 30_000 + Math.ceil((bytes / (10 * MiB)) * 1000);
}
