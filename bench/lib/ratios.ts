/** The issue 8 targets (and informational ratios) computed from the measured medians. */
import type { BenchContext } from './context.js';
import { summarize } from './measure.js';
import { fmt, median } from './stats.js';
import type { Ratio } from './tables.js';

function speed(ctx: BenchContext, key: string): number | undefined {
  return summarize(ctx.outcomes.get(key))?.mibps;
}

/**
 * The median over rounds of `a`'s speed divided by `b`'s in the same round (`b` may be a
 * function of the round's figures). The machine's speed drifts between rounds; within
 * one round the scenarios ran back to back, so this ratio shows less of the drift.
 */
export function paired(
  ctx: BenchContext,
  aKey: string,
  bKey: string,
  denominator: (b: number) => number = (b) => b,
): number | undefined {
  const byRound = new Map(ctx.outcomes.get(bKey)?.samples.map((s) => [s.round, s.mibps]));
  const ratios: number[] = [];
  for (const sample of ctx.outcomes.get(aKey)?.samples ?? []) {
    const b = byRound.get(sample.round);
    const under = b === undefined ? 0 : denominator(b);
    if (under > 0) ratios.push(sample.mibps / under);
  }
  return ratios.length === 0 ? undefined : median(ratios);
}

function divide(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b <= 0 ? undefined : a / b;
}

function mibps(value: number | undefined): string {
  return value === undefined ? '—' : `${fmt(value)} MiB/s`;
}

export function computeRatios(ctx: BenchContext): Ratio[] {
  const raw = speed(ctx, 'null.raw');
  const off = speed(ctx, 'null.ours.off');
  const sha1 = speed(ctx, 'null.ours.sha1');
  const rawSha1 = speed(ctx, 'null.raw.sha1');
  const tus1 = speed(ctx, 'null.tusjs.1');
  const tusInf = speed(ctx, 'null.tusjs.inf');
  const defaults = speed(ctx, 'null.ours.defaults');
  const sha1Rate = ctx.hashRates?.sha1;
  const sha1Ceiling =
    raw === undefined || sha1Rate === undefined ? undefined : Math.min(raw, sha1Rate);
  const smallOurs = summarize(ctx.outcomes.get('small.ours'))?.uploadsPerSecond;
  const smallTus = summarize(ctx.outcomes.get('small.tusjs'))?.uploadsPerSecond;
  const i2Ours = speed(ctx, 'i2.ours');
  const i2Tus = speed(ctx, 'i2.tusnode');
  return [
    {
      name: 'ours checksum off 1 MiB / raw keep-alive loop (null server)',
      value: divide(off, raw),
      paired: paired(ctx, 'null.ours.off', 'null.raw'),
      target: 0.95,
      unit: '%',
      detail: `${mibps(off)} / ${mibps(raw)}`,
    },
    {
      name: 'ours checksum off 1 MiB / tus-js-client 1 MiB (null server)',
      value: divide(off, tus1),
      paired: paired(ctx, 'null.ours.off', 'null.tusjs.1'),
      target: 3,
      unit: '×',
      detail: `${mibps(off)} / ${mibps(tus1)}`,
    },
    {
      name: 'ours sha1 1 MiB / min(sha1 hash rate, raw loop)',
      value: divide(sha1, sha1Ceiling),
      paired: paired(ctx, 'null.ours.sha1', 'null.raw', (b) => Math.min(b, sha1Rate ?? b)),
      target: 0.85,
      unit: '%',
      detail: `${mibps(sha1)} / min(${mibps(sha1Rate)}, ${mibps(raw)})`,
    },
    {
      name: 'raw loop + sha1 (no library) / min(sha1 hash rate, raw loop)',
      value: divide(rawSha1, sha1Ceiling),
      paired: paired(ctx, 'null.raw.sha1', 'null.raw', (b) => Math.min(b, sha1Rate ?? b)),
      target: undefined,
      unit: '%',
      detail: `${mibps(rawSha1)} / min(${mibps(sha1Rate)}, ${mibps(raw)})`,
    },
    {
      name: 'ours sha1 1 MiB / raw loop + sha1 (no library)',
      value: divide(sha1, rawSha1),
      paired: paired(ctx, 'null.ours.sha1', 'null.raw.sha1'),
      target: undefined,
      unit: '%',
      detail: `${mibps(sha1)} / ${mibps(rawSha1)}`,
    },
    {
      name: 'ours sha1 1 MiB / tus-js-client chunkSize Infinity (no checksum)',
      value: divide(sha1, tusInf),
      paired: paired(ctx, 'null.ours.sha1', 'null.tusjs.inf'),
      target: undefined,
      unit: '×',
      detail: `${mibps(sha1)} / ${mibps(tusInf)}`,
    },
    {
      name: "issue 14: ours at defaults (auto, sha1) / tus-js-client's default (one PATCH)",
      value: divide(defaults, tusInf),
      paired: paired(ctx, 'null.ours.defaults', 'null.tusjs.inf'),
      target: 1,
      unit: '×',
      detail: `${mibps(defaults)} / ${mibps(tusInf)}`,
    },
    {
      name: '1 KiB uploads/s: ours / tus-js-client',
      value: divide(smallOurs, smallTus),
      paired: undefined,
      target: undefined,
      unit: '×',
      detail: `${fmt(smallOurs)} / ${fmt(smallTus)} uploads/s`,
    },
    {
      name: 'issue 2: raw loop into our server / into @tus/server',
      value: divide(i2Ours, i2Tus),
      paired: paired(ctx, 'i2.ours', 'i2.tusnode'),
      target: undefined,
      unit: '×',
      detail: `${mibps(i2Ours)} / ${mibps(i2Tus)}`,
    },
  ];
}
