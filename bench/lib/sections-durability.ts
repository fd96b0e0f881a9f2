/**
 * `--only durability`: what our server's fsyncs cost (issue 15, point 9). The same requests
 * against our server (dist/server) three ways:
 * - `fsync: false`: nothing is fsynced;
 * - data only: the PATCH's bytes are fsynced before the offset is recorded (what the server
 *   did before issue 15: the info file and the folder were never fsynced);
 * - `fsync: true` now: data, the info file's temp copy before its rename, and the folder
 *   after each creation, rename and removal.
 * The "data only" server is today's server with a file system whose `sync()` of info
 * files and of the folder does nothing. Servers run in this process, on 127.0.0.1, one
 * request at a time on a keep-alive connection; the three take turns in each of `--runs`
 * rounds (medians shown).
 */
import { Agent, request } from 'node:http';
import type * as ServerModule from '../../src/server/index.js';
import type { BenchContext, SectionReport } from './context.js';
import { serverUnavailable } from './context.js';
import { fmt, MiB, median } from './stats.js';

type Module = typeof ServerModule;
type Mode = 'off' | 'data only' | 'data + info + folder';
const MODES: readonly Mode[] = ['off', 'data only', 'data + info + folder'];

/** node:fs/promises with `sync()` of anything but a data file made a no-op. */
function dataOnly(module: Module): ServerModule.StoreFileSystem {
  const base = module.nodeFileSystem;
  const isData = (path: string) => /[0-9a-f]{32}$/.test(path);
  return {
    ...base,
    async open(path, flags) {
      const handle = await base.open(path, flags);
      if (isData(path)) return handle;
      return {
        writev: (b, p) => handle.writev(b, p),
        write: (b, o, l, p) => handle.write(b, o, l, p),
        read: (b, o, l, p) => handle.read(b, o, l, p),
        stat: () => handle.stat(),
        truncate: (l) => handle.truncate(l),
        sync: async () => {},
        datasync: () => handle.datasync(),
        close: () => handle.close(),
      };
    },
  };
}

interface Answer {
  status: number;
  location: string | undefined;
}

function call(
  agent: Agent,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: { 'Tus-Resumable': '1.0.0', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, location: res.headers.location }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Round {
  creations: number;
  patches: number;
  deletes: number;
  mibPerSecond: number;
}

/** One round: `count` creations, `count` 4 KiB PATCHes, `count` DELETEs, one big upload. */
async function round(
  agent: Agent,
  endpoint: string,
  count: number,
  bigMiB: number,
): Promise<Round> {
  const small = Buffer.alloc(4096, 1);
  const urls: string[] = [];
  let t = performance.now();
  for (let i = 0; i < count; i++) {
    const created = await call(agent, 'POST', endpoint, { 'Upload-Length': String(small.length) });
    if (created.status !== 201 || created.location === undefined)
      throw new Error(`POST ${created.status}`);
    urls.push(new URL(created.location, endpoint).href);
  }
  const creations = count / ((performance.now() - t) / 1000);
  t = performance.now();
  for (const url of urls) {
    const octet = { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' };
    const answer = await call(agent, 'PATCH', url, octet, small);
    if (answer.status !== 204) throw new Error(`PATCH ${answer.status}`);
  }
  const patches = count / ((performance.now() - t) / 1000);
  t = performance.now();
  for (const url of urls) await call(agent, 'DELETE', url, {});
  const deletes = count / ((performance.now() - t) / 1000);
  const chunk = Buffer.alloc(MiB, 2);
  const big = await call(agent, 'POST', endpoint, { 'Upload-Length': String(bigMiB * MiB) });
  const url = new URL(big.location ?? '', endpoint).href;
  t = performance.now();
  for (let i = 0; i < bigMiB; i++) {
    const headers = {
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': String(i * MiB),
    };
    const answer = await call(agent, 'PATCH', url, headers, chunk);
    if (answer.status !== 204) throw new Error(`PATCH ${answer.status}`);
  }
  const mibPerSecond = bigMiB / ((performance.now() - t) / 1000);
  await call(agent, 'DELETE', url, {});
  return { creations, patches, deletes, mibPerSecond };
}

export async function durabilitySection(ctx: BenchContext): Promise<SectionReport> {
  const title = "Issue 15: what our server's fsyncs cost";
  const reason = serverUnavailable(ctx);
  if (reason !== undefined) return { title, lines: [`Skipped: ${reason}.`] };
  const module = (await import(ctx.serverUrl)) as Module;
  const count = ctx.options.quick ? 100 : 500;
  const bigMiB = ctx.options.quick ? 16 : 128;
  const results = new Map<Mode, Round[]>(MODES.map((mode) => [mode, []]));
  const servers: {
    mode: Mode;
    tus: ServerModule.TusServer;
    endpoint: string;
    directory: string;
  }[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const mode of MODES) {
      const directory = ctx.files.dir(`durability-${mode.replace(/\W+/g, '-')}`);
      const tus = module.createTusServer({
        directory,
        fsync: mode !== 'off',
        ...(mode === 'data only' ? { fileSystem: dataOnly(module) } : {}),
      });
      const endpoint = await tus.listen(0, '127.0.0.1');
      servers.push({ mode, tus, endpoint, directory });
      await round(agent, endpoint, 20, 4); // warm-up, not measured
    }
    // The modes take turns in every run, so the machine's moods fall on all three alike.
    for (let run = 0; run < ctx.options.runs && Date.now() < ctx.deadline; run++) {
      for (const server of servers) {
        const measured = await round(agent, server.endpoint, count, bigMiB);
        results.get(server.mode)?.push(measured);
        ctx.files.empty(server.directory);
        ctx.log(
          `[durability] run ${run + 1} fsync ${server.mode}: ${fmt(measured.creations, 0)} creations/s`,
        );
      }
    }
  } finally {
    agent.destroy();
    for (const server of servers) {
      await server.tus.close();
      ctx.files.empty(server.directory);
    }
  }
  const cell = (mode: Mode, pick: (r: Round) => number) =>
    fmt(median((results.get(mode) ?? []).map(pick)), 0);
  const row = (label: string, pick: (r: Round) => number) =>
    `| ${label} | ${MODES.map((mode) => cell(mode, pick)).join(' | ')} |`;
  return {
    title,
    lines: [
      `Sequential requests on one keep-alive connection; ${count} uploads of 4 KiB, one of ${bigMiB} MiB in 1 MiB PATCHes; the three servers take turns in each of ${ctx.options.runs} rounds, medians shown. Higher is better.`,
      '',
      `| per second | ${MODES.map((mode) => `fsync ${mode}`).join(' | ')} |`,
      `| --- | ${MODES.map(() => '---').join(' | ')} |`,
      row('creations (POST)', (r) => r.creations),
      row('4 KiB PATCHes', (r) => r.patches),
      row('DELETEs', (r) => r.deletes),
      row(`MiB/s, ${bigMiB} MiB in 1 MiB PATCHes`, (r) => r.mibPerSecond),
    ],
  };
}
