/**
 * Sections against real servers writing to disk: our server (dist/server) for issue 3,
 * raw PATCH loops into ours vs @tus/server + @tus/file-store (issue 2), and
 * parallelUploads 1/2/4 into ours (issue 5). Servers run in their own processes; their
 * upload directories are emptied after every round.
 */
import { join } from 'node:path';
import { type ServerHandle, startServer } from './children.js';
import {
  type BenchContext,
  CHUNK_1M,
  keep,
  oursScenario,
  rawScenario,
  type SectionReport,
  serverUnavailable,
  tusJsScenario,
  warmUp,
} from './context.js';
import { measure, type Outcome } from './measure.js';
import { fmtSize, MiB } from './stats.js';
import { speedTable } from './tables.js';

interface RunningServer {
  handle: ServerHandle;
  directory: string;
}

async function startOurs(ctx: BenchContext, name: string): Promise<RunningServer> {
  const directory = ctx.files.dir(name);
  const handle = await startServer('our server', join(ctx.workersDir, 'our-server.mjs'), {
    distUrl: ctx.serverUrl,
    directory,
  });
  return { handle, directory };
}

async function startTusNode(ctx: BenchContext, name: string): Promise<RunningServer> {
  const directory = ctx.files.dir(name);
  const handle = await startServer('@tus/server', join(ctx.workersDir, 'tus-node-server.mjs'), {
    directory,
  });
  return { handle, directory };
}

/** Runs `body` with servers started, emptying their directories between rounds. */
async function withServers(
  ctx: BenchContext,
  starters: (() => Promise<RunningServer>)[],
  body: (servers: RunningServer[], between: () => void) => Promise<Map<string, Outcome>>,
): Promise<Map<string, Outcome>> {
  const servers: RunningServer[] = [];
  try {
    for (const start of starters) {
      const server = await start();
      servers.push(server);
      await warmUp(ctx, server.handle.endpoint);
    }
    for (const s of servers) ctx.files.empty(s.directory);
    return await body(servers, () => {
      for (const s of servers) ctx.files.empty(s.directory);
    });
  } finally {
    for (const s of servers) {
      await s.handle.stop();
      ctx.files.empty(s.directory);
    }
  }
}

function skippedReport(title: string, reason: string, ctx: BenchContext): SectionReport {
  ctx.log(`[${title}] skipped: ${reason}`);
  return { title, lines: [`Skipped: ${reason}.`] };
}

export async function oursServerSection(ctx: BenchContext): Promise<SectionReport> {
  const mib = ctx.options.sizeMiB;
  const title = `Issue 3: ${fmtSize(mib)} file to our server (dist/server, disk store)`;
  const reason = serverUnavailable(ctx);
  if (reason !== undefined) return skippedReport(title, reason, ctx);
  const filePath = await ctx.files.file(mib);
  const outcomes = await withServers(
    ctx,
    [() => startOurs(ctx, 'ours-server')],
    (servers, between) => {
      const endpoint = servers[0]?.handle.endpoint ?? '';
      const upload = { endpoint, filePath, bytes: mib * MiB };
      return measure(
        ctx,
        'ours-server',
        [
          rawScenario('srv.raw', 'raw keep-alive loop, 1 MiB PATCHes', upload),
          oursScenario(ctx, 'srv.ours.off', 'ours, 1 MiB, checksum off', upload, false),
          oursScenario(
            ctx,
            'srv.ours.sha1',
            'ours, 1 MiB, sha1 (verified by the server)',
            upload,
            'sha1',
          ),
          tusJsScenario('srv.tusjs.1', 'tus-js-client 4.3.1, 1 MiB', upload, CHUNK_1M),
        ],
        ctx.options.runs,
        between,
      );
    },
  );
  keep(ctx, outcomes);
  return { title, lines: speedTable([...outcomes.values()]) };
}

export async function issue2Section(ctx: BenchContext): Promise<SectionReport> {
  const mib = ctx.options.sizeMiB;
  const title = `Issue 2: raw 1 MiB PATCH loop, ${fmtSize(mib)}, our server vs @tus/server`;
  const reason = serverUnavailable(ctx);
  if (reason !== undefined) return skippedReport(title, reason, ctx);
  const filePath = await ctx.files.file(mib);
  const outcomes = await withServers(
    ctx,
    [() => startOurs(ctx, 'issue2-ours'), () => startTusNode(ctx, 'issue2-tus-node')],
    (servers, between) => {
      const bytes = mib * MiB;
      const ours = { endpoint: servers[0]?.handle.endpoint ?? '', filePath, bytes };
      const tusNode = { endpoint: servers[1]?.handle.endpoint ?? '', filePath, bytes };
      return measure(
        ctx,
        'issue2',
        [
          rawScenario('i2.ours', 'our server (createTusServer, dist/server)', ours),
          rawScenario('i2.tusnode', '@tus/server 2.4.5 + @tus/file-store', tusNode),
        ],
        ctx.options.runs,
        between,
      );
    },
  );
  keep(ctx, outcomes);
  return {
    title,
    lines: [
      'The same raw client (sequential 1 MiB PATCHes, one keep-alive connection) into each',
      'server; both store to a directory under os.tmpdir(); the client RSS column is the',
      "raw client's, not the server's.",
      '',
      ...speedTable([...outcomes.values()]),
    ],
  };
}

export async function parallelSection(ctx: BenchContext): Promise<SectionReport> {
  const mib = ctx.options.parallelMiB;
  const title = `Issue 5: parallelUploads 1/2/4, ${fmtSize(mib)} file to our server`;
  const reason = serverUnavailable(ctx);
  if (reason !== undefined) return skippedReport(title, reason, ctx);
  const filePath = await ctx.files.file(mib);
  const outcomes = await withServers(
    ctx,
    [() => startOurs(ctx, 'parallel')],
    (servers, between) => {
      const upload = { endpoint: servers[0]?.handle.endpoint ?? '', filePath, bytes: mib * MiB };
      return measure(
        ctx,
        'parallel',
        [1, 2, 4].map((n) =>
          oursScenario(
            ctx,
            `par.${n}`,
            `ours, parallelUploads ${n}, 1 MiB, checksum off`,
            upload,
            false,
            n,
          ),
        ),
        ctx.options.runs,
        between,
      );
    },
  );
  keep(ctx, outcomes);
  const skipped = [...outcomes.values()].find((o) => o.skipped !== undefined)?.skipped;
  return {
    title,
    lines: [
      ...speedTable([...outcomes.values()]),
      ...(skipped === undefined ? [] : ['', `Skipped: ${skipped}`]),
    ],
  };
}
