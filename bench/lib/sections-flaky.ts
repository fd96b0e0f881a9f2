/**
 * Issue 26: links that drop their connections. Our server (sha1 offered, so our client's
 * chunks are checked and a cut chunk is lost whole) behind a cutter (test/helpers/cut-proxy.ts,
 * in this process) that drops each connection after N bytes on loopback, or T seconds after
 * it opened behind the WAN emulator (RTT 50 ms, 100 Mbit/s: client → WAN emulator → cutter →
 * server). Both clients at their own defaults, each run a fresh process: completed or not,
 * the time, and the bytes the cutter carried upstream as a multiple of the file (what a
 * metered link bills).
 */
import { join } from 'node:path';
import { CutProxy } from '../../test/helpers/cut-proxy.js';
import { runWorker, type ServerHandle, startServer } from './children.js';
import type { BenchContext, SectionReport } from './context.js';
import { startWanProxy, type WanLink } from './sections-wan.js';
import { fmt, MiB, median } from './stats.js';
import { cell } from './tables.js';

interface FlakyLink {
  key: string;
  label: string;
  cutAfterBytes?: number;
  cutAfterMs?: number;
  /** Behind the WAN emulator (else loopback). */
  wan: boolean;
}

const WAN: WanLink = {
  key: '50ms-100M',
  label: 'RTT 50 ms, 100 Mbit/s',
  rttMs: 50,
  megabitsPerSecond: 100,
  slow: false,
};

export const FLAKY_LINKS: readonly FlakyLink[] = [
  ...[4, 8, 16, 32].map((mib) => ({
    key: `bytes-${mib}M`,
    label: `loopback, cut after ${mib} MiB`,
    cutAfterBytes: mib * MiB,
    wan: false,
  })),
  ...[1.5, 3, 10].map((s) => ({
    key: `time-${s}s`,
    label: `${WAN.label}, cut ${s} s after open`,
    cutAfterMs: s * 1000,
    wan: true,
  })),
];

const CLIENTS = [
  { key: 'ours', label: 'ours, defaults' },
  { key: 'tusjs', label: 'tus-js-client, defaults' },
] as const;

interface Run {
  ok: boolean;
  ms: number;
  sentRatio: number;
  cuts: number;
  retries: number | undefined;
  error: string | undefined;
}

const RUN_TIMEOUT_MS = 180_000;

async function runOnce(
  ctx: BenchContext,
  client: (typeof CLIENTS)[number],
  endpoint: string,
  filePath: string,
  bytes: number,
  cutter: CutProxy,
): Promise<Run> {
  cutter.reset();
  const args =
    client.key === 'ours'
      ? { mode: 'file', endpoint, filePath, distUrl: ctx.clientUrl, progress: true }
      : { mode: 'file', endpoint, filePath, chunkSize: null, ownDefaults: true };
  const worker = join(ctx.workersDir, client.key === 'ours' ? 'ours.mjs' : 'tus-js.mjs');
  const started = performance.now();
  try {
    const result = await runWorker(worker, args, { timeoutMs: RUN_TIMEOUT_MS });
    const stats = result.lastStats as { retries?: number } | undefined;
    return {
      ok: true,
      ms: Number(result.ms),
      sentRatio: cutter.counters.bytesUp / bytes,
      cuts: cutter.counters.cuts,
      retries: stats?.retries,
      error: undefined,
    };
  } catch (error) {
    return {
      ok: false,
      ms: performance.now() - started,
      sentRatio: cutter.counters.bytesUp / bytes,
      cuts: cutter.counters.cuts,
      retries: undefined,
      error: (error as Error).message.split('\n')[0]?.slice(0, 160),
    };
  }
}

export async function flakySection(ctx: BenchContext): Promise<SectionReport> {
  const mib = ctx.options.wanMiB;
  const bytes = mib * MiB;
  const filePath = await ctx.files.randomFile(mib);
  const server = await startServer('our server', join(ctx.workersDir, 'our-server.mjs'), {
    distUrl: ctx.serverUrl,
    directory: ctx.files.dir('flaky-our-server'),
  });
  const runs = new Map<string, Run[]>();
  try {
    for (const link of FLAKY_LINKS) {
      const cutter = new CutProxy({
        targetPort: server.port,
        cutAfterBytes: link.cutAfterBytes,
        cutAfterMs: link.cutAfterMs,
      });
      const cutterPort = await cutter.start();
      let wan: ServerHandle | undefined;
      try {
        if (link.wan) wan = await startWanProxy(ctx, WAN, cutterPort);
        const endpoint = `http://127.0.0.1:${wan?.port ?? cutterPort}/files`;
        for (let round = 0; round < ctx.options.runs; round++) {
          if (Date.now() > ctx.deadline) break;
          for (const client of CLIENTS) {
            const run = await runOnce(ctx, client, endpoint, filePath, bytes, cutter);
            const key = `${link.key}.${client.key}`;
            runs.set(key, [...(runs.get(key) ?? []), run]);
            ctx.log(
              `[flaky] ${link.label} | ${client.label}: ${run.ok ? `${fmt(run.ms / 1000, 1)} s` : `FAILED (${run.error})`}, sent ${fmt(run.sentRatio, 2)}× the file, ${run.cuts} cuts`,
            );
          }
        }
      } finally {
        await wan?.stop();
        await cutter.close();
      }
    }
  } finally {
    await server.stop();
  }
  return {
    title: 'Issue 26: links that drop their connections (our server behind a cutter)',
    lines: [
      `Random file of ${mib} MiB; ${ctx.options.runs} run(s) per cell, medians of completed runs.`,
      'Our server offers sha1: our client at its defaults (`chunkSize: auto`, `checksum: true`)',
      'checks every chunk, so a chunk cut in flight is discarded whole; tus-js-client 4.3.1 at',
      'its defaults (one PATCH, retries after 0/1/3/5 s) sends no checksum and the server keeps',
      'its bytes up to the cut. "Sent" = bytes the cutter carried from the client towards the',
      'server / file size. Time cuts run behind the WAN emulator (client → emulator → cutter →',
      'server), so the cut drops what the link still held.',
      '',
      ...table(runs),
      '',
      ...targets(runs),
    ],
  };
}

function summary(list: Run[] | undefined) {
  const done = (list ?? []).filter((r) => r.ok);
  return {
    tried: list?.length ?? 0,
    done: done.length,
    ms: done.length === 0 ? undefined : median(done.map((r) => r.ms)),
    sent: done.length === 0 ? undefined : median(done.map((r) => r.sentRatio)),
    error: list?.find((r) => !r.ok)?.error,
    retries: done.map((r) => r.retries).find((r) => r !== undefined),
    cuts: done.length === 0 ? undefined : median(done.map((r) => r.cuts)),
  };
}

function table(runs: Map<string, Run[]>): string[] {
  const lines = [
    '| link, cut | client | completed | time s (median) | × tus-js-client time | sent × file | cuts | retries (ours) |',
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const link of FLAKY_LINKS) {
    const tus = summary(runs.get(`${link.key}.tusjs`));
    for (const client of CLIENTS) {
      const s = summary(runs.get(`${link.key}.${client.key}`));
      if (s.tried === 0) continue;
      const completed = `${s.done} of ${s.tried}${s.error === undefined ? '' : `: ${cell(s.error)}`}`;
      const ratio =
        client.key === 'ours' && s.ms !== undefined && tus.ms !== undefined
          ? fmt(s.ms / tus.ms, 2)
          : '';
      lines.push(
        `| ${link.label} | ${client.label} | ${completed} | ${s.ms === undefined ? '' : fmt(s.ms / 1000, 1)} | ${ratio} | ${s.sent === undefined ? '' : fmt(s.sent, 2)} | ${s.cuts === undefined ? '' : fmt(s.cuts, 0)} | ${s.retries ?? ''} |`,
      );
    }
  }
  return lines;
}

function targets(runs: Map<string, Run[]>): string[] {
  const lines = ['Issue 26 targets:', ''];
  for (const link of FLAKY_LINKS) {
    const ours = summary(runs.get(`${link.key}.ours`));
    const tus = summary(runs.get(`${link.key}.tusjs`));
    if (ours.tried === 0) continue;
    const completes = tus.done === 0 || ours.done === ours.tried;
    lines.push(
      `- ${link.label}: ours completes where tus-js-client does: ${completes ? 'PASS' : 'MISS'} (${ours.done}/${ours.tried} vs ${tus.done}/${tus.tried})`,
    );
    if (link.key === 'time-1.5s' || link.key === 'time-3s') {
      const time = ours.ms !== undefined && tus.ms !== undefined ? ours.ms / tus.ms : undefined;
      lines.push(
        `  - time ≤ 1.1× tus-js-client: ${time === undefined ? 'n/a' : `${fmt(time, 2)}× ${time <= 1.1 ? 'PASS' : 'MISS'}`}; sent ≤ 1.3× the file: ${ours.sent === undefined ? 'n/a' : `${fmt(ours.sent, 2)}× ${ours.sent <= 1.3 ? 'PASS' : 'MISS'}`}`,
      );
    }
  }
  return lines;
}
