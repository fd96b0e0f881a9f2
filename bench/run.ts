/**
 * `npm run bench -- [flags]`: the benchmark harness for issues 2, 3, 5 and 8.
 *
 * Bundles the worker scripts (bench/workers) into bench/out/workers, then runs every
 * scenario in a fresh `node` process (servers in their own processes), all on 127.0.0.1,
 * and writes the medians as Markdown (bench/RESULTS.md by default). Temp files live in
 * one dir under os.tmpdir(); it and every child process are removed even on failure.
 * See docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchOptions, parseBenchArgs, type Section } from './lib/args.js';
import { killAllChildren } from './lib/children.js';
import type { BenchContext, SectionReport } from './lib/context.js';
import { BenchFiles } from './lib/files.js';
import { loadAverage, machineInfo } from './lib/machine.js';
import { profileSection } from './lib/profile.js';
import { computeRatios } from './lib/ratios.js';
import { browserSection } from './lib/sections-browser.js';
import { durabilitySection } from './lib/sections-durability.js';
import { flakySection } from './lib/sections-flaky.js';
import { flatSection, hashSection, nullSection, smallSection } from './lib/sections-null.js';
import { issue2Section, oursServerSection, parallelSection } from './lib/sections-server.js';
import { wanSection } from './lib/sections-wan.js';
import { ratioTable } from './lib/tables.js';
import { buildWorkers } from './lib/workers-build.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, '..');
const WORKERS = [
  'null-server',
  'our-server',
  'tus-node-server',
  'ours',
  'tus-js',
  'raw-loop',
  'hash-rates',
  'wan-proxy',
  'tcp-sink',
  'link-probe',
];

const SECTION_RUNNERS: Record<Section, (ctx: BenchContext) => Promise<SectionReport>> = {
  null: nullSection,
  hash: hashSection,
  flat: flatSection,
  small: smallSection,
  'ours-server': oursServerSection,
  issue2: issue2Section,
  parallel: parallelSection,
  wan: wanSection,
  flaky: flakySection,
  browser: browserSection,
  durability: durabilitySection,
};

function header(
  options: BenchOptions,
  argv: readonly string[],
  started: Date,
  ms: number,
): string[] {
  const m = machineInfo();
  const quoted = argv.map((a) => (/^[\w./,:=@+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`));
  const command = argv.length === 0 ? 'npm run bench' : `npm run bench -- ${quoted.join(' ')}`;
  return [
    '# Benchmark results',
    '',
    '_Written by `bench/run.ts`; see docs/benchmarks.md for what each figure means._',
    '',
    `- Command: \`${command}\` (\`npm run build\`, then \`node --import tsx bench/run.ts\`)`,
    `- Date: ${started.toISOString()} (took ${Math.round(ms / 1000)} s)`,
    `- Machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}`,
    `- Node: ${m.node}`,
    `- Load average (1/5/15 min) at start: ${startLoad}; at end: ${loadAverage()}`,
    `- Runs per scenario: ${options.runs} (medians shown); files are sparse, under os.tmpdir()`,
    ...(options.note === undefined ? [] : ['', `> ${options.note}`]),
  ];
}

const startLoad = loadAverage();

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const started = new Date();
  const files = new BenchFiles();
  const cleanup = (): void => {
    killAllChildren();
    files.removeAll();
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`bench: ${signal}, cleaning up`);
      cleanup();
      process.exit(130);
    });
  }
  const log = (line: string): void => console.error(line);
  try {
    const ctx: BenchContext = {
      workersDir: await buildWorkers(WORKERS, join(benchDir, 'out', 'workers')),
      deadline: started.getTime() + options.maxMinutes * 60_000,
      log,
      options,
      files,
      clientUrl: pathToFileURL(resolve(repoDir, options.clientModule)).href,
      serverUrl: pathToFileURL(resolve(repoDir, options.serverModule)).href,
      outcomes: new Map(),
      hashRates: undefined,
      reports: [],
    };
    log(
      `bench: temp dir ${files.root}; sections: ${options.only.join(', ')}; runs ${options.runs}`,
    );
    for (const section of options.only) {
      if (Date.now() > ctx.deadline) {
        ctx.reports.push({
          title: section,
          lines: [`Skipped: the ${options.maxMinutes} min budget was spent.`],
        });
        log(`[${section}] skipped: time budget spent`);
        continue;
      }
      try {
        ctx.reports.push(await SECTION_RUNNERS[section](ctx));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`[${section}] FAILED: ${message}`);
        ctx.reports.push({ title: section, lines: [`Failed: ${message}`] });
      }
    }
    if (options.only.some((s) => s === 'null' || s === 'hash' || s === 'small' || s === 'issue2')) {
      const ratios = computeRatios(ctx);
      ctx.reports.push({
        title: 'Issues 8 and 14: loopback targets and ratios',
        lines: ratioTable(ratios),
      });
      for (const line of ratioTable(ratios).slice(2)) log(`[ratios] ${line}`);
    }
    if (options.profile) {
      try {
        ctx.reports.push(await profileSection(ctx));
      } catch (error) {
        log(`[profile] FAILED: ${(error as Error).message}`);
      }
    }
    const markdown = [
      ...header(options, argv, started, Date.now() - started.getTime()),
      ...ctx.reports.flatMap((r) => ['', `## ${r.title}`, '', ...r.lines]),
      '',
    ].join('\n');
    const out = resolve(repoDir, options.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, markdown);
    // Laid out as the linter wants it (aligned tables), so `npm test` stays green.
    spawnSync(process.execPath, [biomeBin(), 'format', '--write', out], { stdio: 'ignore' });
    log(`bench: wrote ${relative(process.cwd(), out) || out}`);
  } finally {
    cleanup();
  }
}

await main();

/** The Biome CLI script of this checkout (its package's `bin`). */
function biomeBin(): string {
  return createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
}
