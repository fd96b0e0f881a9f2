/**
 * Issue 14: uploads over emulated WAN links. Each link is the WAN emulator
 * (test/helpers/wan-proxy.ts, its own process) in front of the null tus server; ours at
 * its defaults and at fixed 1 MiB chunks, tus-js-client at its defaults and at 1 MiB,
 * each run a fresh process, rounds interleaved over every link and client. The figure
 * that matters is the share of the link rate: payload bytes / (wall time × link rate).
 * Before the uploads, a raw TCP stream through each link says how close the emulator
 * comes to its nominal rate on this machine.
 */
import { join } from 'node:path';
import { runWorker, type ServerHandle, startServer } from './children.js';
import { type BenchContext, CHUNK_1M, keep, type SectionReport, warmUp } from './context.js';
import { measure, type Outcome, outcomeNote, type Sample, type Scenario } from './measure.js';
import { paired } from './ratios.js';
import { fmt, MiB, median } from './stats.js';
import { cell, type Ratio, ratioTable } from './tables.js';

export interface WanLink {
  key: string;
  label: string;
  rttMs: number;
  megabitsPerSecond: number;
  /** The slow uplink: a small file, a fixed budget, and "did it complete" as its figure. */
  slow: boolean;
}

export const WAN_LINKS: readonly WanLink[] = [
  {
    key: '50ms-200M',
    label: 'RTT 50 ms, 200 Mbit/s',
    rttMs: 50,
    megabitsPerSecond: 200,
    slow: false,
  },
  { key: '10ms-1G', label: 'RTT 10 ms, 1 Gbit/s', rttMs: 10, megabitsPerSecond: 1000, slow: false },
  {
    key: '100ms-50M',
    label: 'RTT 100 ms, 50 Mbit/s',
    rttMs: 100,
    megabitsPerSecond: 50,
    slow: false,
  },
  {
    key: '300ms-50M',
    label: 'RTT 300 ms, 50 Mbit/s (far)',
    rttMs: 300,
    megabitsPerSecond: 50,
    slow: false,
  },
  {
    key: '600ms-20M',
    label: 'RTT 600 ms, 20 Mbit/s (geostationary satellite)',
    rttMs: 600,
    megabitsPerSecond: 20,
    slow: false,
  },
  {
    key: '60ms-2M',
    label: 'RTT 60 ms, 2 Mbit/s (slow uplink)',
    rttMs: 60,
    megabitsPerSecond: 2,
    slow: true,
  },
];

const SLOW_LINK = WAN_LINKS.find((link) => link.slow)!;

/** The link's rate in bytes per second (decimal megabits, as links are sold). */
export function linkRate(link: WanLink): number {
  return (link.megabitsPerSecond * 1e6) / 8;
}

/** The emulator's arguments for `link` in front of `targetPort`. */
export function proxyArgs(link: WanLink, targetPort: number): Record<string, number> {
  return { targetPort, delayMs: link.rttMs / 2, rateBytesPerSecond: linkRate(link) };
}

/** Starts the WAN emulator for `link` in front of `targetPort`. */
export function startWanProxy(
  ctx: BenchContext,
  link: WanLink,
  targetPort: number,
): Promise<ServerHandle> {
  return startServer(
    `wan proxy ${link.key}`,
    join(ctx.workersDir, 'wan-proxy.mjs'),
    proxyArgs(link, targetPort),
  );
}

const CLIENTS = [
  { key: 'ours.default', label: 'ours, defaults', worker: 'ours', chunkSize: undefined },
  { key: 'ours.1m', label: 'ours, 1 MiB', worker: 'ours', chunkSize: CHUNK_1M },
  { key: 'tusjs.default', label: 'tus-js-client, default', worker: 'tus-js', chunkSize: null },
  { key: 'tusjs.1m', label: 'tus-js-client, 1 MiB', worker: 'tus-js', chunkSize: CHUNK_1M },
] as const;

/** Per-run budget of the slow uplink: three times its link time, at least a minute. */
function slowBudgetMs(bytes: number, link: WanLink): number {
  return Math.max(60_000, 3 * ((bytes / linkRate(link)) * 1000));
}

function scenariosFor(
  ctx: BenchContext,
  link: WanLink,
  endpoint: string,
  statsUrl: string,
  filePath: string,
  bytes: number,
): Scenario[] {
  const linkMs = (bytes / linkRate(link)) * 1000;
  const timeoutMs = link.slow ? slowBudgetMs(bytes, link) : 30_000 + 4 * linkMs;
  return CLIENTS.map((client) => {
    const common = { mode: 'file', endpoint, filePath, statsUrl };
    // ours: an option left out is not passed at all (the defaults are no options)
    const args: Record<string, unknown> =
      client.worker === 'tus-js'
        ? { ...common, chunkSize: client.chunkSize, ownDefaults: true }
        : client.chunkSize === undefined
          ? { ...common, distUrl: ctx.clientUrl, progress: true }
          : { ...common, distUrl: ctx.clientUrl, progress: true, chunkSize: client.chunkSize };
    return {
      key: `wan.${link.key}.${client.key}`,
      label: `${link.label} | ${client.label}`,
      worker: client.worker,
      args,
      timeoutMs,
    };
  });
}

/** MiB/s with two decimals below 10 (the slow uplink moves 0.24 MiB/s). */
function fmtRate(mibps: number): string {
  return fmt(mibps, mibps < 10 ? 2 : 1);
}

/** A sample's share of the link rate. */
function share(sample: Sample, link: WanLink): number {
  return sample.bytes / ((sample.ms / 1000) * linkRate(link));
}

function medianShare(outcome: Outcome | undefined, link: WanLink): number | undefined {
  if (outcome === undefined || outcome.samples.length === 0) return undefined;
  return median(outcome.samples.map((s) => share(s, link)));
}

/** The raw TCP stream through each link (tcp-sink behind the emulator): the emulator's own rate. */
async function linkCheck(
  ctx: BenchContext,
): Promise<{ lines: string[]; achieved: Map<string, number> }> {
  const achieved = new Map<string, number>();
  const lines = [
    '| link | nominal MiB/s | bytes sent | emulator MiB/s | of nominal |',
    '|---|---:|---:|---:|---:|',
  ];
  const sink = await startServer('tcp sink', join(ctx.workersDir, 'tcp-sink.mjs'), {});
  try {
    for (const link of WAN_LINKS) {
      const proxy = await startWanProxy(ctx, link, sink.port);
      const rate = linkRate(link);
      const bytes = Math.min(256 * MiB, Math.round(rate * 2));
      try {
        const result = await runWorker(
          join(ctx.workersDir, 'link-probe.mjs'),
          { port: proxy.port, bytes },
          { timeoutMs: 60_000 },
        );
        // The probe's time holds two round trips (handshake; last byte there, answer back).
        const linkSeconds = (Number(result.ms) - 2 * link.rttMs) / 1000;
        const measured = bytes / linkSeconds;
        achieved.set(link.key, measured / rate);
        ctx.log(`[wan] link check ${link.label}: ${fmt((measured / rate) * 100)} % of nominal`);
        lines.push(
          `| ${link.label} | ${fmt(rate / MiB, 2)} | ${fmt(bytes / MiB)} MiB | ${fmt(measured / MiB, 2)} | ${fmt((measured / rate) * 100)} % |`,
        );
      } catch (error) {
        lines.push(
          `| ${link.label} | ${fmt(rate / MiB, 2)} | failed: ${cell(String(error))} | | |`,
        );
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    await sink.stop();
  }
  return { lines, achieved };
}

function resultTable(outcomes: Map<string, Outcome>, links: readonly WanLink[]): string[] {
  const lines = [
    '| link | client | share of link (median) | MiB/s (median) | MiB/s min–max | PATCHes per upload | completed | peak RSS MiB |',
    '|---|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const link of links) {
    for (const client of CLIENTS) {
      const outcome = outcomes.get(`wan.${link.key}.${client.key}`);
      if (outcome === undefined) continue;
      const samples = outcome.samples;
      const attempts = samples.length + (outcome.error === undefined ? 0 : 1);
      const note = outcomeNote(outcome);
      const completed =
        outcome.error === undefined
          ? `${samples.length} of ${attempts}`
          : `${samples.length} of ${attempts}: ${cell(outcome.error)}`;
      if (samples.length === 0) {
        lines.push(
          `| ${link.label} | ${client.label} | ${cell(note ?? '—')} | | | | ${completed} | |`,
        );
        continue;
      }
      const speeds = samples.map((s) => s.mibps);
      const patches = samples.map((s) => Number(s.raw.patches)).filter(Number.isFinite);
      lines.push(
        `| ${link.label} | ${client.label} | ${fmt((medianShare(outcome, link) ?? Number.NaN) * 100)} % | ${fmtRate(median(speeds))} | ${fmtRate(Math.min(...speeds))}–${fmtRate(Math.max(...speeds))} | ${patches.length === 0 ? '—' : fmt(median(patches), 0)} | ${completed} | ${fmt(median(samples.map((s) => s.rssMiB)))} |`,
      );
    }
  }
  return lines;
}

/** The issue 14 targets, from this section's outcomes. */
function targets(
  ctx: BenchContext,
  outcomes: Map<string, Outcome>,
  achieved: Map<string, number>,
): { ratios: Ratio[]; slow: string[] } {
  const ratios: Ratio[] = [];
  const slow: string[] = [];
  for (const link of WAN_LINKS) {
    const ours = outcomes.get(`wan.${link.key}.ours.default`);
    if (link.slow) {
      const done = ours?.samples.length ?? 0;
      const tried = done + (ours?.error === undefined ? 0 : 1);
      const verdict = done > 0 && ours?.error === undefined ? 'PASS' : 'MISS';
      slow.push(
        `- ${link.label}, ours at defaults completed ${done} of ${tried} runs (target: completes): ${verdict}${ours?.error === undefined ? '' : ` — ${ours.error}`}`,
      );
      continue;
    }
    const oursShare = medianShare(ours, link);
    const tusKey = `wan.${link.key}.tusjs.default`;
    const tusShare = medianShare(outcomes.get(tusKey), link);
    ratios.push({
      name: `${link.label}: ours at defaults / link rate`,
      value: oursShare,
      paired: undefined,
      target: 0.9,
      unit: '%',
      detail: `${fmt((oursShare ?? Number.NaN) * 100)} % of ${fmt(linkRate(link) / MiB, 2)} MiB/s; the link check reached ${fmt((achieved.get(link.key) ?? Number.NaN) * 100)} %`,
    });
    ratios.push({
      name: `${link.label}: ours at defaults / tus-js-client default`,
      value: oursShare === undefined || tusShare === undefined ? undefined : oursShare / tusShare,
      paired: paired(ctx, `wan.${link.key}.ours.default`, tusKey),
      target: 1,
      unit: '×',
      detail: `${fmt((oursShare ?? Number.NaN) * 100)} % / ${fmt((tusShare ?? Number.NaN) * 100)} % of the link`,
    });
  }
  return { ratios, slow };
}

export async function wanSection(ctx: BenchContext): Promise<SectionReport> {
  const bytes = ctx.options.wanMiB * MiB;
  const slowBytes = ctx.options.wanSlowMiB * MiB;
  const check = await linkCheck(ctx);
  const filePath = await ctx.files.randomFile(ctx.options.wanMiB);
  const slowPath = await ctx.files.randomFile(ctx.options.wanSlowMiB);
  const server = await startServer('null server', join(ctx.workersDir, 'null-server.mjs'), {});
  const proxies: ServerHandle[] = [];
  let outcomes: Map<string, Outcome>;
  try {
    await warmUp(ctx, server.endpoint);
    const statsUrl = `http://127.0.0.1:${server.port}/__bench/stats`;
    const scenarios: Scenario[] = [];
    for (const link of WAN_LINKS) {
      const proxy = await startWanProxy(ctx, link, server.port);
      proxies.push(proxy);
      const [path, size] = link.slow ? [slowPath, slowBytes] : [filePath, bytes];
      scenarios.push(...scenariosFor(ctx, link, proxy.endpoint, statsUrl, path, size));
    }
    outcomes = await measure(ctx, 'wan', scenarios, ctx.options.runs);
  } finally {
    for (const proxy of proxies) await proxy.stop();
    await server.stop();
  }
  keep(ctx, outcomes);
  const { ratios, slow } = targets(ctx, outcomes, check.achieved);
  for (const line of ratioTable(ratios).slice(2)) ctx.log(`[wan] ${line}`);
  for (const line of slow) ctx.log(`[wan] ${line}`);
  return {
    title: 'Issue 14: uploads over emulated WAN links (null tus server behind the WAN emulator)',
    lines: [
      `Random file of ${ctx.options.wanMiB} MiB (slow uplink: ${ctx.options.wanSlowMiB} MiB, budget ${fmt(slowBudgetMs(slowBytes, SLOW_LINK) / 1000, 0)} s per run).`,
      'Share of link = payload bytes / (wall time of the upload call × link rate). "ours, defaults"',
      'is `new TusClient(url)` with no option; "ours, 1 MiB" sets only `chunkSize: 1048576`;',
      'tus-js-client 4.3.1 (Node) at its own defaults, with only `chunkSize` set for 1 MiB.',
      'PATCHes per upload are counted by the null server. The emulator (docs/benchmarks.md):',
      'one-way delay RTT/2 each way, the rate each way, a bottleneck queue of one',
      'bandwidth-delay product (min 64 KiB), one round trip for each new connection.',
      '',
      'Link check (a raw TCP stream through each link, once per link, before the uploads: what',
      'the emulator achieved in this run; on a busy machine the 1 Gbit/s link falls short of it):',
      '',
      ...check.lines,
      '',
      ...resultTable(outcomes, WAN_LINKS),
      '',
      'Issue 14 targets (from the medians above; paired = median over rounds of the same ratio):',
      '',
      ...ratioTable(ratios),
      '',
      ...slow,
    ],
  };
}
