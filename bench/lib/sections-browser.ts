/**
 * Issue 20: uploads from a page in headless Chromium, launched directly without any
 * DevTools client (bench/lib/chromium.ts), the page on the bench's own origin
 * (bench/lib/browser-site.ts, bench/browser/page.js). The page makes a Blob of random
 * bytes, uploads it with ours (dist/index.browser.js) or tus-js-client 4.3.1 (its browser
 * build), samples `performance.memory.usedJSHeapSize` during the upload (after `gc()` for
 * the baseline) and posts its figures back. Servers count CORS preflights; every upload is
 * checked afterwards (HEAD: the server holds every byte). A fresh Chromium and profile per
 * run, so no run inherits another's preflight cache or connections.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertComplete, serverStats } from '../workers/verify.js';
import { type BrowserSite, startBrowserSite } from './browser-site.js';
import { type ServerHandle, startServer } from './children.js';
import { chromiumPath, runChromium } from './chromium.js';
import { type BenchContext, CHUNK_1M, keep, type SectionReport, warmUp } from './context.js';
import { measure, type Outcome, outcomeNote, type Scenario } from './measure.js';
import { paired } from './ratios.js';
import { startWanProxy, WAN_LINKS } from './sections-wan.js';
import { fmt, fmtSize, MiB, median } from './stats.js';
import { cell, type Ratio, ratioTable } from './tables.js';

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(benchDir, '..');

/** What the page is told to do (bench/browser/page.js reads it from its URL). */
interface PagePlan {
  client: 'ours' | 'tusjs';
  endpoint: string;
  sizeMiB: number;
  /** Bytes; null = the client's default. */
  chunkSize: number | null;
  /** Ours only; left out = the default. */
  checksum?: false;
}

interface BrowserClient {
  key: string;
  label: string;
  client: PagePlan['client'];
  chunkSize: number | null;
  checksum?: false;
}

const OURS_DEFAULT: BrowserClient = {
  key: 'ours.default',
  label: 'ours, defaults',
  client: 'ours',
  chunkSize: null,
};
const TUS_DEFAULT: BrowserClient = {
  key: 'tusjs.default',
  label: 'tus-js-client, default',
  client: 'tusjs',
  chunkSize: null,
};
const CLIENTS: readonly BrowserClient[] = [
  OURS_DEFAULT,
  { key: 'ours.1m', label: 'ours, 1 MiB', client: 'ours', chunkSize: CHUNK_1M },
  TUS_DEFAULT,
  { key: 'tusjs.1m', label: 'tus-js-client, 1 MiB', client: 'tusjs', chunkSize: CHUNK_1M },
];
const OURS_1M_OFF: BrowserClient = {
  key: 'ours.1m.off',
  label: 'ours, 1 MiB, checksum off',
  client: 'ours',
  chunkSize: CHUNK_1M,
  checksum: false,
};

/** What sha1 costs at the defaults (the page hashes on the same two cores it sends with). */
const OURS_DEFAULT_OFF: BrowserClient = {
  key: 'ours.default.off',
  label: 'ours, defaults, checksum off',
  client: 'ours',
  chunkSize: null,
  checksum: false,
};

/** Where the uploads go. */
interface Place {
  key: string;
  label: string;
  endpoint: string;
  /** The server's /__bench/stats, asked directly (not through the WAN emulator). */
  statsUrl: string;
}

const WAN_LINK = WAN_LINKS.find((link) => link.key === '50ms-200M')!;

function statsUrlOf(server: ServerHandle): string {
  return `http://127.0.0.1:${server.port}/__bench/stats`;
}

/** A run's bound: a minute for Chromium and the Blob, then a 2 MiB/s floor. */
function browserTimeoutMs(sizeMiB: number): number {
  return 60_000 + (sizeMiB / 2) * 1000;
}

/** One run: a fresh Chromium on the plan's page, its posted result, the server's counts. */
async function browserRun(
  ctx: BenchContext,
  site: BrowserSite,
  chromium: string,
  place: Place,
  plan: PagePlan,
): Promise<Record<string, unknown>> {
  const id = randomUUID();
  const before = await serverStats(place.statsUrl);
  const url = `${site.origin}/?plan=${encodeURIComponent(JSON.stringify({ ...plan, id }))}`;
  const result = await runChromium(chromium, {
    url,
    result: site.resultOf(id),
    tempDir: ctx.files.root,
    timeoutMs: browserTimeoutMs(plan.sizeMiB),
  });
  if (typeof result.error === 'string') throw new Error(`in the page: ${result.error}`);
  const after = await serverStats(place.statsUrl);
  await assertComplete(String(result.url), plan.sizeMiB * MiB);
  return {
    ...result,
    peakRssMiB: Number.NaN,
    preflights: after.preflights - before.preflights,
    patches: after.patches - before.patches,
  };
}

function scenario(
  ctx: BenchContext,
  site: BrowserSite,
  chromium: string,
  place: Place,
  client: BrowserClient,
  sizeMiB: number,
  keyPrefix = 'browser',
): Scenario {
  const plan: PagePlan = {
    client: client.client,
    endpoint: place.endpoint,
    sizeMiB,
    chunkSize: client.chunkSize,
  };
  if (client.checksum !== undefined) plan.checksum = client.checksum;
  return {
    key: `${keyPrefix}.${place.key}.${client.key}`,
    label: `${place.label} | ${client.label}`,
    worker: 'chromium',
    args: { ...plan },
    timeoutMs: browserTimeoutMs(sizeMiB),
    run: () => browserRun(ctx, site, chromium, place, plan),
  };
}

const heapMiB = (sample: { raw: Record<string, unknown> }): number =>
  (Number(sample.raw.heapPeak) - Number(sample.raw.heapBaseline)) / MiB;

function medianOf(outcome: Outcome | undefined, pick: (raw: Record<string, unknown>) => number) {
  const values = (outcome?.samples ?? []).map((s) => pick(s.raw)).filter(Number.isFinite);
  return values.length === 0 ? undefined : median(values);
}

function browserTable(outcomes: readonly Outcome[]): string[] {
  const lines = [
    '| where | client | MiB/s (median) | MiB/s min–max | checksum | preflights per upload | PATCHes per upload | progress events | JS heap above baseline MiB (median / max) | runs |',
    '|---|---|---:|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const outcome of outcomes) {
    const [where = '', client = ''] = outcome.scenario.label.split(' | ');
    const samples = outcome.samples;
    if (samples.length === 0) {
      lines.push(`| ${where} | ${client} | ${cell(outcomeNote(outcome) ?? '—')} | | | | | | | 0 |`);
      continue;
    }
    const speeds = samples.map((s) => s.mibps);
    const heaps = samples.map(heapMiB);
    const later = outcome.error === undefined ? '' : ' (later run failed)';
    const algorithm = samples[0]?.raw.checksumAlgorithm;
    lines.push(
      `| ${where} | ${client} | ${fmt(median(speeds))}${later} | ${fmt(Math.min(...speeds))}–${fmt(Math.max(...speeds))} | ${typeof algorithm === 'string' ? algorithm : 'none'} | ${fmt(
        medianOf(outcome, (r) => Number(r.preflights)),
        0,
      )} | ${fmt(
        medianOf(outcome, (r) => Number(r.patches)),
        0,
      )} | ${fmt(
        medianOf(outcome, (r) => Number(r.progressEvents)),
        0,
      )} | ${fmt(median(heaps))} / ${fmt(Math.max(...heaps))} | ${samples.length} |`,
    );
  }
  return lines;
}

function speed(outcomes: Map<string, Outcome>, key: string): number | undefined {
  const samples = outcomes.get(key)?.samples ?? [];
  return samples.length === 0 ? undefined : median(samples.map((s) => s.mibps));
}

/** Issue 20's targets: ours ≥ tus-js-client at defaults and at 1 MiB, everywhere. */
function targets(ctx: BenchContext, outcomes: Map<string, Outcome>, places: Place[]): Ratio[] {
  const ratios: Ratio[] = [];
  for (const place of places) {
    for (const [ours, tus, what] of [
      ['ours.default', 'tusjs.default', 'defaults'],
      ['ours.1m', 'tusjs.1m', '1 MiB'],
    ] as const) {
      const a = `browser.${place.key}.${ours}`;
      const b = `browser.${place.key}.${tus}`;
      const sa = speed(outcomes, a);
      const sb = speed(outcomes, b);
      ratios.push({
        name: `${place.label}: ours / tus-js-client at ${what}`,
        value: sa === undefined || sb === undefined ? undefined : sa / sb,
        paired: paired(ctx, a, b),
        target: 1,
        unit: '×',
        detail: `${fmt(sa)} / ${fmt(sb)} MiB/s`,
      });
    }
  }
  return ratios;
}

function heapVerdict(outcome: Outcome | undefined, mib: number): string {
  const samples = outcome?.samples ?? [];
  if (samples.length === 0) {
    return `- JS heap, ours at defaults, ${fmtSize(mib)}: NOT MEASURED (${outcomeNote(outcome) ?? '—'})`;
  }
  const above = median(samples.map(heapMiB));
  const algorithm = samples[0]?.raw.checksumAlgorithm;
  return `- JS heap during a ${fmtSize(mib)} upload, ours at defaults (checksum ${typeof algorithm === 'string' ? algorithm : 'none'}): ${fmt(above)} MiB above the baseline (median; target ≤ 16 MiB): ${above <= 16 ? 'PASS' : 'MISS'}`;
}

export async function browserSection(ctx: BenchContext): Promise<SectionReport> {
  const title = 'Issue 20: uploads from headless Chromium (no DevTools attached)';
  const chromium = chromiumPath();
  const oursBundle = join(repoDir, 'dist', 'index.browser.js');
  if (chromium === undefined) {
    ctx.log('[browser] skipped: no Chromium (set CHROME_PATH)');
    return { title, lines: ['Skipped: no Chromium at /usr/bin/chromium (or CHROME_PATH).'] };
  }
  const site = await startBrowserSite({
    pageDir: join(benchDir, 'browser'),
    ours: oursBundle,
    tusJs: join(repoDir, 'node_modules', 'tus-js-client', 'dist', 'tus.js'),
  });
  const allowedOrigins = [site.origin];
  const handles: ServerHandle[] = [];
  const directory = ctx.files.dir('browser-our-server');
  const mib = ctx.options.browserMiB;
  const heapSize = ctx.options.browserHeapMiB;
  let outcomes: Map<string, Outcome>;
  let places: Place[];
  try {
    const nullServer = await startServer('null server', join(ctx.workersDir, 'null-server.mjs'), {
      allowedOrigins,
    });
    handles.push(nullServer);
    const ourServer = await startServer('our server', join(ctx.workersDir, 'our-server.mjs'), {
      distUrl: ctx.serverUrl,
      directory,
      allowedOrigins,
    });
    handles.push(ourServer);
    const proxy = await startWanProxy(ctx, WAN_LINK, nullServer.port);
    handles.push(proxy);
    for (const server of [nullServer, ourServer]) await warmUp(ctx, server.endpoint);
    ctx.files.empty(directory);
    const nullPlace: Place = {
      key: 'null',
      label: 'null server, loopback',
      endpoint: nullServer.endpoint,
      statsUrl: statsUrlOf(nullServer),
    };
    places = [
      nullPlace,
      {
        key: 'ours-server',
        label: 'our server, loopback',
        endpoint: ourServer.endpoint,
        statsUrl: statsUrlOf(ourServer),
      },
      {
        key: 'wan',
        label: `null server, WAN ${WAN_LINK.label}`,
        endpoint: proxy.endpoint,
        statsUrl: statsUrlOf(nullServer),
      },
    ];
    const scenarios: Scenario[] = [];
    for (const place of places) {
      const clients = place === nullPlace ? [...CLIENTS, OURS_1M_OFF, OURS_DEFAULT_OFF] : CLIENTS;
      for (const client of clients)
        scenarios.push(scenario(ctx, site, chromium, place, client, mib));
    }
    const heapPlace = { ...nullPlace, label: `null server, loopback, ${fmtSize(heapSize)}` };
    for (const client of [OURS_DEFAULT, TUS_DEFAULT]) {
      scenarios.push(scenario(ctx, site, chromium, heapPlace, client, heapSize, 'heap'));
    }
    outcomes = await measure(ctx, 'browser', scenarios, ctx.options.runs, () =>
      ctx.files.empty(directory),
    );
  } finally {
    for (const handle of handles) await handle.stop();
    await site.close();
    ctx.files.empty(directory);
  }
  keep(ctx, outcomes);
  const ratios = targets(ctx, outcomes, places);
  const heap = heapVerdict(outcomes.get(`heap.null.${OURS_DEFAULT.key}`), heapSize);
  for (const line of ratioTable(ratios).slice(2)) ctx.log(`[browser] ${line}`);
  ctx.log(`[browser] ${heap}`);
  return {
    title,
    lines: [
      `A Blob of ${fmtSize(mib)} random bytes made in the page (${fmtSize(heapSize)} for the heap rows); a`,
      "fresh `/usr/bin/chromium --headless=new` and profile per run, started on the page's URL with",
      'no DevTools client; the page posts its figures back. "ours, defaults" is `new TusClient(url)`;',
      '"1 MiB" sets only `chunkSize: 1048576` (ours keeps its default checksum, sha1; "checksum off"',
      'rows show what hashing costs on the same cores); tus-js-client (no checksums) at',
      'its own defaults otherwise. MiB/s times the upload call only. Preflights (OPTIONS with',
      'Access-Control-Request-Method) and PATCHes are counted by the server. JS heap: the peak',
      'of `performance.memory.usedJSHeapSize` sampled every 20 ms during the upload, minus its',
      'value after `gc()` before it. WAN: the WAN emulator in front of the null server.',
      '',
      ...browserTable([...outcomes.values()]),
      '',
      'Issue 20 targets (from the medians above; paired = median over rounds of the same ratio):',
      '',
      ...ratioTable(ratios),
      '',
      heap,
    ],
  };
}
