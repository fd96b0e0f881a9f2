/**
 * Issue 20, "measure the choices side by side": how a page's request bodies should go out.
 * `node --import tsx bench/experiments/browser-transports.ts [--runs N] [--size-mib M]`
 * (not part of `npm test` nor of `npm run bench`; needs dist/ built and Chromium).
 *
 * A page (browser-transports.js) in headless Chromium, launched directly with no DevTools
 * client (bench/lib/chromium.ts), on the bench's site server (bench/lib/browser-site.ts),
 * makes a Blob and uploads it to the bench's null tus server (with CORS for the page's
 * origin), on loopback and through the WAN emulator (RTT 50 ms, 200 Mbit/s): raw tus
 * uploads done by the page through XHR or fetch with Blob-slice or byte bodies, and our
 * shipped browser build for reference, at 1 MiB and 8 MiB chunks and in one request.
 * Rounds alternate every scenario; a fresh Chromium and profile per run; every upload is
 * checked afterwards (HEAD: the server holds every byte). Prints a Markdown table.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BrowserSite, startBrowserSite } from '../lib/browser-site.js';
import { killAllChildren, type ServerHandle, startServer } from '../lib/children.js';
import { chromiumPath, runChromium } from '../lib/chromium.js';
import { BenchFiles } from '../lib/files.js';
import { loadAverage, machineInfo } from '../lib/machine.js';
import {
  type MeasureContext,
  measure,
  type Outcome,
  outcomeNote,
  type Scenario,
} from '../lib/measure.js';
import { proxyArgs, WAN_LINKS } from '../lib/sections-wan.js';
import { fmt, MiB, median } from '../lib/stats.js';
import { cell } from '../lib/tables.js';
import { buildWorkers } from '../lib/workers-build.js';
import { assertComplete, serverStats } from '../workers/verify.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = resolve(here, '..');
const repoDir = resolve(benchDir, '..');

type Variant = 'xhr-blob' | 'xhr-bytes' | 'fetch-blob' | 'fetch-bytes' | 'ours';

const VARIANTS: readonly { key: Variant; label: string }[] = [
  { key: 'xhr-blob', label: 'XHR, Blob slice' },
  { key: 'xhr-bytes', label: 'XHR, bytes' },
  { key: 'fetch-blob', label: 'fetch, Blob slice' },
  { key: 'fetch-bytes', label: 'fetch, bytes' },
  { key: 'ours', label: 'ours (dist/index.browser.js)' },
];

/** Bytes per request; null = the whole Blob in one request. */
const CHUNKS: readonly { key: string; label: string; bytes: number | null }[] = [
  { key: '1m', label: '1 MiB', bytes: MiB },
  { key: '8m', label: '8 MiB', bytes: 8 * MiB },
  { key: 'one', label: 'one request', bytes: null },
];

const WAN_LINK = WAN_LINKS.find((link) => link.key === '50ms-200M')!;

interface Place {
  key: string;
  label: string;
  endpoint: string;
  /** The null server's /__bench/stats, asked directly (not through the emulator). */
  statsUrl: string;
}

interface Options {
  runs: number;
  sizeMiB: number;
  maxMinutes: number;
  out: string;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`--${name} must be a positive integer`);
  return n;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      'size-mib': { type: 'string' },
      'max-minutes': { type: 'string' },
      out: { type: 'string' },
    },
  });
  return {
    runs: positive('runs', values.runs, 3),
    sizeMiB: positive('size-mib', values['size-mib'], 128),
    maxMinutes: positive('max-minutes', values['max-minutes'], 90),
    out: resolve(values.out ?? join(benchDir, 'out', 'browser-transports.md')),
  };
}

/** The site server serves `index.html` and `page.js` of a folder: this page's, renamed. */
function pageDir(root: string): string {
  const dir = join(root, 'page');
  mkdirSync(dir);
  copyFileSync(join(here, 'browser-transports.html'), join(dir, 'index.html'));
  copyFileSync(join(here, 'browser-transports.js'), join(dir, 'page.js'));
  return dir;
}

interface Run {
  files: BenchFiles;
  site: BrowserSite;
  chromium: string;
  sizeMiB: number;
}

/** A run's bound: a minute for Chromium and the Blob, then a 2 MiB/s floor. */
function timeoutMs(sizeMiB: number): number {
  return 60_000 + (sizeMiB / 2) * 1000;
}

async function browserRun(
  run: Run,
  place: Place,
  variant: Variant,
  chunkSize: number | null,
): Promise<Record<string, unknown>> {
  const id = randomUUID();
  const plan = { id, variant, endpoint: place.endpoint, sizeMiB: run.sizeMiB, chunkSize };
  const before = await serverStats(place.statsUrl);
  const result = await runChromium(run.chromium, {
    url: `${run.site.origin}/?plan=${encodeURIComponent(JSON.stringify(plan))}`,
    result: run.site.resultOf(id),
    tempDir: run.files.root,
    timeoutMs: timeoutMs(run.sizeMiB),
  });
  if (typeof result.error === 'string') throw new Error(`in the page: ${result.error}`);
  const after = await serverStats(place.statsUrl);
  await assertComplete(String(result.url), run.sizeMiB * MiB);
  const patches = after.patches - before.patches;
  const bodyRequests = typeof result.bodyRequests === 'number' ? result.bodyRequests : patches;
  return {
    ...result,
    peakRssMiB: Number.NaN,
    preflights: after.preflights - before.preflights,
    patches,
    bodyRequests,
  };
}

function scenarios(run: Run, places: readonly Place[]): Scenario[] {
  const list: Scenario[] = [];
  for (const place of places) {
    for (const chunk of CHUNKS) {
      for (const variant of VARIANTS) {
        list.push({
          key: `${place.key}.${chunk.key}.${variant.key}`,
          label: `${place.label} | ${chunk.label} | ${variant.label}`,
          worker: 'chromium',
          args: { variant: variant.key, chunkSize: chunk.bytes },
          timeoutMs: timeoutMs(run.sizeMiB),
          run: () => browserRun(run, place, variant.key, chunk.bytes),
        });
      }
    }
  }
  return list;
}

function medianOf(outcome: Outcome, pick: (raw: Record<string, unknown>) => number): number {
  return median(outcome.samples.map((s) => pick(s.raw)).filter(Number.isFinite));
}

const heapMiB = (raw: Record<string, unknown>): number =>
  (Number(raw.heapPeak) - Number(raw.heapBaseline)) / MiB;

/** Median over rounds of `a`'s MiB/s over `b`'s in the same round. */
function pairedRatio(a: Outcome, b: Outcome | undefined): number | undefined {
  const byRound = new Map(b?.samples.map((s) => [s.round, s.mibps]));
  const ratios = a.samples.flatMap((s) => {
    const under = byRound.get(s.round);
    return under === undefined || under <= 0 ? [] : [s.mibps / under];
  });
  return ratios.length === 0 ? undefined : median(ratios);
}

function table(outcomes: Map<string, Outcome>): string[] {
  const lines = [
    '| where | chunks | body through | MiB/s (median) | MiB/s min–max | / XHR Blob (paired) | JS heap above baseline MiB (median / max) | progress events per body request | preflights per upload | requests with a body | runs |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const outcome of outcomes.values()) {
    const [where = '', chunks = '', variant = ''] = outcome.scenario.label.split(' | ');
    const head = `| ${where} | ${chunks} | ${variant}`;
    if (outcome.samples.length === 0) {
      lines.push(`${head} | ${cell(outcomeNote(outcome) ?? '—')} | | | | | | | 0 |`);
      continue;
    }
    const speeds = outcome.samples.map((s) => s.mibps);
    const heaps = outcome.samples.map((s) => heapMiB(s.raw));
    const reference = outcomes.get(outcome.scenario.key.replace(/[^.]+$/, 'xhr-blob'));
    const isFetch = String(outcome.scenario.args.variant).startsWith('fetch');
    const progress = isFetch
      ? '— (none)'
      : fmt(
          medianOf(outcome, (r) => Number(r.progressEvents) / Number(r.bodyRequests)),
          1,
        );
    const later = outcome.error === undefined ? '' : ` (later run failed: ${cell(outcome.error)})`;
    const cells = [
      `${fmt(median(speeds))}${later}`,
      `${fmt(Math.min(...speeds))}–${fmt(Math.max(...speeds))}`,
      `${fmt(pairedRatio(outcome, reference), 2)}×`,
      `${fmt(median(heaps))} / ${fmt(Math.max(...heaps))}`,
      progress,
      fmt(
        medianOf(outcome, (r) => Number(r.preflights)),
        0,
      ),
      fmt(
        medianOf(outcome, (r) => Number(r.bodyRequests)),
        0,
      ),
      String(outcome.samples.length),
    ];
    lines.push(`${head} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function header(
  options: Options,
  argv: string[],
  started: Date,
  startLoad: string,
  userAgent: string,
): string[] {
  const m = machineInfo();
  const command = ['node --import tsx bench/experiments/browser-transports.ts', ...argv].join(' ');
  return [
    `- Command: \`${command}\` (dist/ as built; Chromium: ${userAgent})`,
    `- Date: ${started.toISOString()} (took ${Math.round((Date.now() - started.getTime()) / 1000)} s)`,
    `- Machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}`,
    `- Load average (1/5/15 min) at start: ${startLoad}; at end: ${loadAverage()}`,
    `- Blob of ${options.sizeMiB} MiB made in the page; ${options.runs} runs per scenario, rounds alternating every scenario`,
  ];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const started = new Date();
  const startLoad = loadAverage();
  const chromium = chromiumPath();
  if (chromium === undefined) throw new Error('no Chromium at /usr/bin/chromium (or CHROME_PATH)');
  const files = new BenchFiles();
  const cleanup = (): void => {
    killAllChildren();
    files.removeAll();
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  const log = (line: string): void => console.error(line);
  const workersDir = await buildWorkers(['null-server', 'wan-proxy'], join(files.root, 'workers'));
  const site = await startBrowserSite({
    pageDir: pageDir(files.root),
    ours: join(repoDir, 'dist', 'index.browser.js'),
    tusJs: join(repoDir, 'node_modules', 'tus-js-client', 'dist', 'tus.js'),
  });
  const handles: ServerHandle[] = [];
  let outcomes: Map<string, Outcome>;
  try {
    const nullServer = await startServer('null server', join(workersDir, 'null-server.mjs'), {
      allowedOrigins: [site.origin],
    });
    handles.push(nullServer);
    const proxy = await startServer(
      `wan proxy ${WAN_LINK.key}`,
      join(workersDir, 'wan-proxy.mjs'),
      proxyArgs(WAN_LINK, nullServer.port),
    );
    handles.push(proxy);
    const statsUrl = `http://127.0.0.1:${nullServer.port}/__bench/stats`;
    const loopback: Place = {
      key: 'loopback',
      label: 'loopback',
      endpoint: nullServer.endpoint,
      statsUrl,
    };
    const wan: Place = {
      key: 'wan',
      label: `WAN ${WAN_LINK.label}`,
      endpoint: proxy.endpoint,
      statsUrl,
    };
    const run: Run = { files, site, chromium, sizeMiB: options.sizeMiB };
    const ctx: MeasureContext = {
      workersDir,
      deadline: started.getTime() + options.maxMinutes * 60_000,
      log,
    };
    // One unmeasured round on loopback at 8 MiB: Chromium's files and the server warm.
    const warm = scenarios(run, [loopback]).filter((s) => s.key.startsWith('loopback.8m.'));
    await measure(ctx, 'warm-up', warm, 1);
    outcomes = await measure(ctx, 'transports', scenarios(run, [loopback, wan]), options.runs);
  } finally {
    for (const handle of handles) await handle.stop();
    await site.close();
  }
  const first = [...outcomes.values()].find((o) => o.samples.length > 0)?.samples[0]?.raw;
  const userAgent = String(first?.userAgent ?? 'unknown');
  const lines = [
    ...header(options, argv, started, startLoad, userAgent),
    '',
    ...table(outcomes),
    '',
  ];
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
  log(`written to ${options.out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
