/** Command-line flags of `npm run bench -- [flags]`. */

export const SECTIONS = [
  'null',
  'hash',
  'flat',
  'small',
  'ours-server',
  'issue2',
  'parallel',
  'wan',
  'flaky',
  'browser',
  'durability',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  quick: boolean;
  runs: number;
  /** Sections to run, in the order of SECTIONS. */
  only: Section[];
  /** Main file size in MiB (issue 3/8 tables). */
  sizeMiB: number;
  /** Flatness sizes in MiB (our client, checksum off, null server). */
  flatMiB: number[];
  /** File size for parallelUploads 1/2/4, in MiB. */
  parallelMiB: number;
  /** Count of 1 KiB uploads. */
  smallCount: number;
  /** MiB hashed per algorithm. */
  hashMiB: number;
  /** File of the three fast WAN links, in MiB. */
  wanMiB: number;
  /** File of the slow uplink (RTT 60 ms, 2 Mbit/s), in MiB. */
  wanSlowMiB: number;
  /** Blob made in the page for the browser speed scenarios, in MiB. */
  browserMiB: number;
  /** Blob of the browser's JS heap scenario, in MiB. */
  browserHeapMiB: number;
  /** Total time budget; sections and runs past it are skipped with a reason. */
  maxMinutes: number;
  /** Where the Markdown goes. */
  out: string;
  /** Profile our client's 1 MiB sha1 upload once with --cpu-prof. */
  profile: boolean;
  /** A note printed under the header of the results (e.g. the machine's conditions). */
  note: string | undefined;
  /** Module of our client (default dist/index.node.js), relative to the repository. */
  clientModule: string;
  /** Module with createTusServer (default dist/server/index.js). */
  serverModule: string;
}

type CountOption =
  | 'runs'
  | 'sizeMiB'
  | 'parallelMiB'
  | 'smallCount'
  | 'hashMiB'
  | 'wanMiB'
  | 'wanSlowMiB'
  | 'browserMiB'
  | 'browserHeapMiB'
  | 'maxMinutes';

export const USAGE = `usage: npm run bench -- [flags]
  --quick              64 MiB smoke run of every section (writes bench/out/RESULTS-quick.md)
  --runs N             runs per scenario, median reported (default 3)
  --only a,b           sections: ${SECTIONS.join(', ')} (also --sections a,b)
  --size MiB           main file size (default 512, quick 64)
  --flat a,b,c         flatness sizes in MiB (default 512,2048,4096; quick 64,128,256)
  --parallel-size MiB  file for parallelUploads 1/2/4 (default 1024, quick 128)
  --small N            number of 1 KiB uploads (default 10000, quick 1000)
  --hash MiB           MiB hashed per algorithm (default 1024, quick 128)
  --wan-size MiB       file of the three fast WAN links (default 64, quick 16)
  --wan-slow-size MiB  file of the slow uplink, RTT 60 ms / 2 Mbit/s (default 4, quick 1)
  --browser-size MiB   Blob of the browser speed scenarios (default 128, quick 32)
  --browser-heap-size MiB  Blob of the browser JS heap scenario (default 512, quick 128)
  --max-minutes M      time budget (default 40)
  --out FILE           Markdown output (default bench/RESULTS.md)
  --profile            also profile our client's 1 MiB sha1 upload once (node --cpu-prof)
  --note TEXT          a note written under the results header
  --client FILE        module exporting TusClient (default dist/index.node.js)
  --server FILE        module exporting createTusServer (default dist/server/index.js)`;

/** The flags that take a positive integer, and the option each sets. */
const COUNT_FLAGS: Readonly<Record<string, CountOption | undefined>> = {
  '--runs': 'runs',
  '--size': 'sizeMiB',
  '--parallel-size': 'parallelMiB',
  '--small': 'smallCount',
  '--hash': 'hashMiB',
  '--wan-size': 'wanMiB',
  '--wan-slow-size': 'wanSlowMiB',
  '--browser-size': 'browserMiB',
  '--browser-heap-size': 'browserHeapMiB',
  '--max-minutes': 'maxMinutes',
};

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n <= 0) {
    throw new RangeError(`${flag}: expected a positive integer, got ${String(value)}`);
  }
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    quick,
    runs: 3,
    only: [...SECTIONS],
    sizeMiB: quick ? 64 : 512,
    flatMiB: quick ? [64, 128, 256] : [512, 2048, 4096],
    parallelMiB: quick ? 128 : 1024,
    smallCount: quick ? 1000 : 10_000,
    hashMiB: quick ? 128 : 1024,
    wanMiB: quick ? 16 : 64,
    wanSlowMiB: quick ? 1 : 4,
    browserMiB: quick ? 32 : 128,
    browserHeapMiB: quick ? 128 : 512,
    maxMinutes: 40,
    out: quick ? 'bench/out/RESULTS-quick.md' : 'bench/RESULTS.md',
    profile: false,
    note: undefined,
    clientModule: 'dist/index.node.js',
    serverModule: 'dist/server/index.js',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = (): string | undefined => argv[++i];
    const countKey = flag === undefined ? undefined : COUNT_FLAGS[flag];
    if (countKey !== undefined) {
      options[countKey] = positiveInt(flag ?? '', next());
      continue;
    }
    switch (flag) {
      case '--quick':
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--out': {
        const value = next();
        if (value === undefined || value === '') throw new TypeError('--out: expected a file');
        options.out = value;
        break;
      }
      case '--note':
        options.note = next();
        break;
      case '--client':
        options.clientModule = next() ?? '';
        break;
      case '--server':
        options.serverModule = next() ?? '';
        break;
      case '--flat':
        options.flatMiB = (next() ?? '').split(',').map((v) => positiveInt(flag, v));
        break;
      case '--only':
      case '--sections': {
        const wanted = (next() ?? '').split(',');
        for (const name of wanted) {
          if (!(SECTIONS as readonly string[]).includes(name)) {
            throw new RangeError(`${flag}: unknown section ${JSON.stringify(name)}\n${USAGE}`);
          }
        }
        options.only = SECTIONS.filter((s) => wanted.includes(s));
        break;
      }
      case '--help':
      case '-h':
        throw new TypeError(USAGE);
      default:
        throw new TypeError(`unknown flag ${JSON.stringify(flag)}\n${USAGE}`);
    }
  }
  return options;
}
