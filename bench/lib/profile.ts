/**
 * `--profile`: our client's 1 MiB sha1 upload once under `node --cpu-prof`, against the
 * null server, and a table of the top self-time functions of the client process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWorker, startServer } from './children.js';
import { type BenchContext, CHUNK_1M, type SectionReport, warmUp } from './context.js';
import { timeoutFor } from './measure.js';
import { fmt, fmtSize, MiB } from './stats.js';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  /** of all samples */
  share: number;
  /** of the samples that were not (idle) */
  busyShare: number;
}

/** Self time per function (by name and location), largest first. */
export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; charge it to the sample before it
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    const delta = deltas[i + 1] ?? 0;
    if (id !== undefined) micros.set(id, (micros.get(id) ?? 0) + Math.max(delta, 0));
  }
  const total = [...micros.values()].reduce((a, b) => a + b, 0) || 1;
  let idle = 0;
  for (const [id, us] of micros) if (byId.get(id)?.callFrame.functionName === '(idle)') idle += us;
  const busy = total - idle || 1;
  const merged = new Map<string, SelfTime>();
  for (const [id, us] of micros) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const name = frame.functionName || '(anonymous)';
    const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/');
    const where = file === '' ? '' : `${file}:${frame.lineNumber + 1}`;
    const key = `${name}@${where}`;
    const entry = merged.get(key) ?? { name, where, ms: 0, share: 0, busyShare: 0 };
    entry.ms += us / 1000;
    entry.share = (entry.ms * 1000) / total;
    entry.busyShare = name === '(idle)' ? 0 : (entry.ms * 1000) / busy;
    merged.set(key, entry);
  }
  return [...merged.values()].sort((a, b) => b.ms - a.ms);
}

export async function profileSection(ctx: BenchContext): Promise<SectionReport> {
  const mib = ctx.options.sizeMiB;
  const title = `Profile: our client, ${fmtSize(mib)}, 1 MiB chunks, sha1, null server`;
  const filePath = await ctx.files.file(mib);
  const profileDir = ctx.files.dir('cpu-profile');
  const server = await startServer('null server', join(ctx.workersDir, 'null-server.mjs'), {});
  let result: Record<string, unknown>;
  try {
    await warmUp(ctx, server.endpoint);
    result = await runWorker(
      join(ctx.workersDir, 'ours.mjs'),
      {
        mode: 'file',
        distUrl: ctx.clientUrl,
        endpoint: server.endpoint,
        filePath,
        chunkSize: CHUNK_1M,
        checksum: 'sha1',
      },
      { timeoutMs: timeoutFor(mib * MiB), nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profileDir] },
    );
  } finally {
    await server.stop();
  }
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) return { title, lines: ['No .cpuprofile was written.'] };
  const top = selfTimes(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile);
  const speed = Number(result.bytes) / MiB / (Number(result.ms) / 1000);
  const lines = [
    `One run under \`node --cpu-prof\` (profiling slows it): ${fmt(speed)} MiB/s. Self time of`,
    'the client process, top 20 (the whole process, start-up included; "busy" leaves out (idle)):',
    '',
    '| function | where | self ms | share of all | share of busy |',
    '|---|---|---:|---:|---:|',
  ];
  for (const t of top.slice(0, 20)) {
    const busyShare = t.name === '(idle)' ? '—' : `${fmt(t.busyShare * 100)} %`;
    lines.push(
      `| ${t.name} | ${t.where || '(native)'} | ${fmt(t.ms)} | ${fmt(t.share * 100)} % | ${busyShare} |`,
    );
  }
  ctx.log(
    `[profile] ${fmt(speed)} MiB/s; top: ${top
      .slice(0, 5)
      .map((t) => `${t.name} ${fmt(t.share * 100)}%`)
      .join(', ')}`,
  );
  return { title, lines };
}
