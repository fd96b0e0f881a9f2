/**
 * The seeded soak: ≥ 200 uploads of random sizes (0 B – 8 MiB) and chunk sizes, each through
 * its own fault proxy that faults ~20 % of requests, into our server with sha1 checksums on
 * (and a quarter as many into @tus/server without checksums).
 * One in ten stops at a random `stopAt`, one in ten is aborted part-way (its `TusAbortError`
 * offset no further than the server's); a second client resumes those. Every upload
 * completes, its stored bytes equal the source, its progress never goes back or past what
 * the server confirmed. Replay a run with `SOAK_SEED=<seed>`; make it longer
 * with `SOAK_UPLOADS=<n>`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TusAbortError, TusClient, type UploadStats } from '../../src/index.node.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { startOurServer } from '../helpers/our-server.js';
import { type StartedTusServer, startTusNodeServer } from '../helpers/tus-node-server.js';
import { progressGuard } from './harness.js';
import { logUniform, seededBytes, seededRandom, seededSchedule } from './schedule.js';

const MiB = 1024 * 1024;
const SEED = Number(process.env.SOAK_SEED ?? 20_261_125);
const UPLOADS = Number(process.env.SOAK_UPLOADS ?? 200);
const CONCURRENCY = 3;
const RATE = 0.2;
const STALL_TIMEOUT = 300;
const UPLOAD_DEADLINE = 60_000;

interface Totals {
  uploads: number;
  requests: number;
  faults: number;
  retries: number;
  bytesResent: number;
  bytes: number;
  kinds: Map<string, number>;
  /** Uploads finished by a second client after a `stopAt` or an abort. */
  resumed: number;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Our server with sha1 (a cut-off chunk leaves no trace), and a shorter run against
 * @tus/server without checksums (it keeps the bytes of a cut-off chunk, so resyncs land
 * inside chunks).
 */
const targets = [
  {
    name: 'our server, sha1',
    uploads: UPLOADS,
    start: () => startOurServer({ fsync: false }),
    checksum: 'sha1',
    algorithm: 'sha1',
  },
  {
    name: '@tus/server, no checksum',
    uploads: Math.ceil(UPLOADS / 4),
    start: () => startTusNodeServer(),
    checksum: false,
    algorithm: undefined,
  },
] as const;

for (const target of targets) {
  describe(`soak against ${target.name} (seed ${SEED})`, () => {
    const UPLOADS = target.uploads;
    let server: StartedTusServer;
    before(async () => {
      server = await target.start();
    });
    after(() => server.close());

    it(`${UPLOADS} uploads with ~${RATE * 100} % of requests faulted all arrive whole`, {
      timeout: 180_000,
    }, async () => {
      const pool = seededBytes(8 * MiB + 65_536, SEED);
      const totals: Totals = {
        uploads: 0,
        requests: 0,
        faults: 0,
        retries: 0,
        bytesResent: 0,
        bytes: 0,
        kinds: new Map(),
        resumed: 0,
      };
      const started = performance.now();

      const one = async (index: number) => {
        const seed = (SEED * 1_000_003 + index) >>> 0;
        const random = seededRandom(seed);
        const roll = random();
        const size =
          roll < 0.05
            ? 0
            : roll < 0.1
              ? 8 * MiB
              : Math.min(8 * MiB, logUniform(random, 1, 8 * MiB));
        const chunkSize = logUniform(random, 16 * 1024, 4 * MiB);
        const from = Math.floor(random() * 65_536);
        const data = pool.subarray(from, from + size);
        // Most uploads go in one call; some stop at `stopAt` or are aborted part-way, and a
        // second client resumes them.
        const mode = random();
        const cutAt = Math.floor(random() * size);
        const how = size < 2 ? 'whole' : mode < 0.1 ? 'stopAt' : mode < 0.2 ? 'abort' : 'whole';
        const proxy = await startFaultProxy(server.endpoint, {
          decide: seededSchedule(seed, { rate: RATE, stallMs: 1500 }),
        });
        const options = {
          checksum: target.checksum,
          chunkSize,
          maxRetries: 20,
          retryDelay: 20,
          timeout: STALL_TIMEOUT,
        } as const;
        const client = new TusClient(proxy.endpoint, options);
        const label = `upload #${index} (seed ${seed}, ${size} B, chunks of ${chunkSize} B, ${how} at ${cutAt})`;
        // Nothing hangs: an upload that outlives its deadline fails with what happened to it.
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(new Error('deadline')), UPLOAD_DEADLINE);
        const stopper = new AbortController();
        const guard = progressGuard(proxy);
        let last: UploadStats | undefined;
        const onProgress = (stats: UploadStats) => {
          guard.onProgress(stats);
          assert.equal(stats.checksumAlgorithm, target.algorithm);
          last = stats;
          if (how === 'abort' && stats.bytesUploaded >= cutAt) stopper.abort(new Error('stop'));
        };
        const account = () => {
          totals.retries += last?.retries ?? 0;
          totals.bytesResent += last?.bytesResent ?? 0;
          last = undefined;
        };
        const explain = (error: unknown): never => {
          const log = proxy.requests.map((r) => {
            const fault = proxy.faults.find((f) => f.index === r.index);
            return `${r.method}${fault === undefined ? '' : `[${fault.kind}]`}`;
          });
          throw new Error(`${label} failed: ${String(error)}\n  requests: ${log.join(' ')}`, {
            cause: error,
          });
        };
        try {
          let url: string;
          if (how === 'whole') {
            url = await client
              .uploadFile({ input: data, onProgress, signal: deadline.signal })
              .catch(explain);
          } else {
            const first = await (how === 'stopAt'
              ? client.uploadFile({
                  input: data,
                  stopAt: cutAt,
                  onProgress,
                  signal: deadline.signal,
                })
              : client
                  .uploadFile({
                    input: data,
                    onProgress,
                    signal: AbortSignal.any([deadline.signal, stopper.signal]),
                  })
                  .catch((error: unknown) => {
                    if (!(error instanceof TusAbortError) || deadline.signal.aborted) throw error;
                    const truth = proxy.serverOffsets.get(new URL(error.uploadUrl ?? '').pathname);
                    assert.ok(
                      error.offset <= (truth ?? 0),
                      `${label}: abort offset ${error.offset}`,
                    );
                    return error.uploadUrl ?? '';
                  })
            ).catch(explain);
            account();
            const resumer = new TusClient(proxy.endpoint, options);
            try {
              url = await resumer
                .resumeUpload({
                  uploadUrl: first,
                  input: data,
                  onProgress,
                  signal: deadline.signal,
                })
                .catch(explain);
            } finally {
              await resumer.close();
            }
            totals.resumed++;
          }
          clearTimeout(timer);
          account();
          const stored = await readFile(server.dataPath(url));
          assert.equal(stored.byteLength, size, `${label}: stored size`);
          assert.equal(sha256(stored), sha256(data), `${label}: stored bytes`);
          // Every way ends with a report of the whole (a resume that finds the upload
          // complete reports it once).
          assert.equal(guard.reports.at(-1) ?? 0, size, label);
          totals.uploads++;
          totals.requests += proxy.requests.length;
          totals.faults += proxy.faults.length;
          totals.bytes += size;
          for (const fault of proxy.faults) {
            totals.kinds.set(fault.kind, (totals.kinds.get(fault.kind) ?? 0) + 1);
          }
        } finally {
          clearTimeout(timer);
          await client.close();
          await proxy.close();
        }
      };

      // After a failure no new upload starts; those in flight finish (or meet their deadline)
      // and every failure is reported.
      let next = 0;
      const failures: unknown[] = [];
      const worker = async () => {
        while (next < UPLOADS && failures.length === 0) {
          await one(next++).catch((error: unknown) => failures.push(error));
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1)
        throw new AggregateError(failures, `${failures.length} uploads failed`);

      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const kinds = [...totals.kinds].map(([kind, n]) => `${kind} ${n}`).join(', ');
      console.log(
        `soak seed=${SEED} against ${target.name}: uploads ${totals.uploads}, faults injected ${totals.faults} ` +
          `(of ${totals.requests} requests), retries ${totals.retries}, ` +
          `bytes re-sent ${totals.bytesResent} (of ${totals.bytes}), resumed by a second client ${totals.resumed}, in ${seconds} s\n  faults: ${kinds}`,
      );
      assert.equal(totals.uploads, UPLOADS);
      // The schedule really faulted about RATE of the requests (not a soak that cannot fail).
      assert.ok(totals.faults > totals.requests * RATE * 0.7, 'faults were injected');
      assert.ok(totals.retries > 0 && totals.bytesResent > 0 && totals.resumed > 0);
    });
  });
}
