/**
 * Issue 25, "no byte lost when the power goes": 500 power cuts during uploads. Our server
 * (fsync on) stores on `PowerLossFs` (test/helpers/power-loss-fs.ts: what was fsynced kept
 * apart from what was only written, directory entries durable only once their folder is
 * fsynced); at a random file-system call the power is cut (a random share of what was not
 * durable survives, from none to all), the instance is thrown away and a new one recovers
 * on what survived, while 4 real `TusClient`s (tus 1.0 and the IETF draft, checksums on)
 * keep uploading over HTTP. Checked at every cut, on what survived, and after every
 * recovery, on what the new instance serves:
 * - no record claims a byte that is not on disk, and the bytes it claims are the source's;
 * - no upload a client was told was created (a 201 with its Location) is lost, and no
 *   offset a server acknowledged goes back; a completed upload equals its source;
 * - after recovery, data files hold exactly the recorded bytes, with no orphan left.
 * Then the same on a disk that also fails (test/helpers/disk-faults.ts: 2 % of writes,
 * fsyncs, renames and creations fail with EIO or ENOSPC, without making anything durable),
 * where uploads may fail but none of the above may break; a start whose recovery meets a
 * fault is started again.
 * Replay a run with `POWER_SEED=<seed>`; more cuts with `POWER_CUTS=<n>`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../src/index.node.js';
import type { ProtocolName } from '../../src/upload/protocols/upload-protocol.js';
import { type DiskFaults, randomDiskFaults } from '../helpers/disk-faults.js';
import { PowerLossFs } from '../helpers/power-loss-fs.js';
import { send, TUS } from '../helpers/raw-http.js';
import { PowerRig } from './power-rig.js';
import { logUniform, seededBytes, seededRandom } from './schedule.js';

const SEED = Number(process.env.POWER_SEED ?? 20_261_207);
const CUTS = Number(process.env.POWER_CUTS ?? 500);
const VARIANTS = [
  { label: '', cuts: CUTS, faultRate: 0 },
  { label: ', on a failing disk', cuts: Math.ceil(CUTS / 4), faultRate: 0.02 },
] as const;
const CUTS_PER_RUN = 30;
const CLIENTS = 4;
const FOLDER = '/disk/uploads';
const PROTOCOLS: readonly ProtocolName[] = ['tus-v1', 'ietf-draft-12', 'tus-v1', 'ietf-draft-05'];
const KEEPS = [0, 0, 0.5, 0.9, 1];

interface Counts {
  /** Cuts during uploads (the 500), at a random file-system call. */
  cuts: number;
  /** The harshest cut after each run, once its uploads are over. */
  finalCuts: number;
  duringRecovery: number;
  runs: number;
  uploads: number;
  /** Uploads made of 2 partials and a final (tus concatenation). */
  parallel: number;
  /** Uploads deleted by their client once complete. */
  deletes: number;
  completed: number;
  failed: number;
  changesKept: number;
  changesLost: number;
  tornWrites: number;
  removed: number;
  lowered: number;
  cutBack: number;
  byOp: Map<string, number>;
  byKeep: Map<number, number>;
  violations: string[];
}

interface Upload {
  source: Uint8Array;
  /** Every upload id a 201 with its Location told the client of (partials and final too). */
  created: Set<string>;
  /** The highest offset a 2xx answer (POST, PATCH, HEAD) told the client, by upload id. */
  acked: Map<string, number>;
  /** Ids the client sent a DELETE for, and those a 204 answered. */
  deleting: Set<string>;
  deleted: Set<string>;
  /** The upload's URL id, once the client reported it complete. */
  id?: string;
  complete: boolean;
}

const idOf = (url: string) => new URL(url).pathname.split('/').pop() ?? '';

/** `n faults in m calls: kind n, …` over the fault layers of every instance. */
function faultSummary(layers: readonly DiskFaults[]): string {
  const kinds = new Map<string, number>();
  let calls = 0;
  for (const layer of layers) {
    calls += layer.calls;
    for (const [kind, n] of layer.counts) kinds.set(kind, (kinds.get(kind) ?? 0) + n);
  }
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  return `${total} in ${calls} calls (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`;
}

function nameOf(metadata: string): string | undefined {
  for (const pair of metadata.split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key === 'filename' && value !== undefined) return Buffer.from(value, 'base64').toString();
  }
  return undefined;
}

for (const { label, cuts: CUTS, faultRate } of VARIANTS) {
  describe(`power loss${label} (seed ${SEED})`, () => {
    const random = seededRandom(SEED);
    const faultRandom = seededRandom(SEED ^ 0xfa17);
    /** The fault layers of the instances so far (a new one for each start). */
    const layers: DiskFaults[] = [];
    let faultsOn = faultRate > 0;
    const counts: Counts = {
      cuts: 0,
      finalCuts: 0,
      duringRecovery: 0,
      runs: 0,
      uploads: 0,
      parallel: 0,
      deletes: 0,
      completed: 0,
      failed: 0,
      changesKept: 0,
      changesLost: 0,
      tornWrites: 0,
      removed: 0,
      lowered: 0,
      cutBack: 0,
      byOp: new Map(),
      byKeep: new Map(),
      violations: [],
    };
    /** The uploads of the run going on, by file name (`filename` metadata). */
    let uploads = new Map<string, Upload>();
    let disk: PowerLossFs;
    let cutsThisRun = 0;
    const seen = new Set<string>();
    const violation = (text: string) => {
      // Each distinct finding once (a lost upload is lost again at every later cut).
      if (counts.violations.length >= 40 || seen.has(text)) return;
      seen.add(text);
      counts.violations.push(`cut ${counts.cuts}: ${text}`);
    };

    /** The disk's records against the sources and what the clients were told. */
    const checkDisk = (recovered: boolean) => {
      const names = disk.list(FOLDER);
      const records = new Map<string, { offset: number; length: number | undefined }>();
      for (const name of names.filter((n) => /^[0-9a-f]{32}\.json$/.test(n))) {
        const id = name.slice(0, 32);
        const text = disk.content(`${FOLDER}/${name}`)?.toString() ?? '';
        let record: {
          offset: number;
          length?: number;
          metadata: string;
          concat?: { type: string };
        };
        try {
          record = JSON.parse(text);
        } catch {
          violation(`record ${id} is torn: ${JSON.stringify(text.slice(0, 40))}`);
          continue;
        }
        records.set(id, { offset: record.offset, length: record.length });
        const data = disk.content(`${FOLDER}/${id}`);
        const upload = uploads.get(nameOf(record.metadata) ?? '');
        if (data === undefined) {
          if (recovered) violation(`record ${id} has no data file after recovery`);
          continue;
        }
        if (data.length < record.offset) {
          violation(`record ${id} claims ${record.offset} bytes, the disk holds ${data.length}`);
        } else if (recovered && data.length !== record.offset) {
          violation(`after recovery ${id} holds ${data.length} bytes for offset ${record.offset}`);
        }
        // A partial's bytes are a part of the source from an offset the test does not track.
        if (record.concat?.type === 'partial') continue;
        const claimed = data.subarray(0, Math.min(record.offset, data.length));
        if (upload === undefined) violation(`record ${id} names no source`);
        else if (!claimed.equals(upload.source.subarray(0, claimed.length))) {
          violation(`the recorded bytes of ${id} are not the source's`);
        }
      }
      for (const [name, upload] of uploads) {
        for (const id of upload.created) {
          const record = records.get(id);
          const acked = upload.acked.get(id) ?? 0;
          if (upload.deleted.has(id)) {
            if (record !== undefined) violation(`${name}: ${id} was deleted (204) and came back`);
          } else if (upload.deleting.has(id)) {
            // asked to go, not confirmed: either way is right
          } else if (record === undefined) {
            violation(`${name}: ${id} was created (201 sent) and is lost`);
          } else if (record.offset < acked) {
            violation(`${name}: ${id} was acknowledged at ${acked}, holds ${record.offset}`);
          } else if (id === upload.id && record.offset !== upload.source.length) {
            violation(`${name} was complete and holds ${record.offset} of ${upload.source.length}`);
          }
        }
      }
      if (recovered) {
        for (const name of names) {
          if (name.endsWith('.tmp')) violation(`temp file ${name} left after recovery`);
          else if (/^[0-9a-f]{32}$/.test(name) && !records.has(name)) {
            violation(`data file ${name} without a record after recovery`);
          }
        }
      }
    };

    const rig = new PowerRig(
      FOLDER,
      { path: '/files', fsync: true, cleanupIntervalMs: Number.POSITIVE_INFINITY },
      {
        afterCut(cut) {
          if (cut.op === 'end of run') counts.finalCuts++;
          else counts.cuts++;
          cutsThisRun++;
          if (cut.during === 'recovery') counts.duringRecovery++;
          counts.changesKept += cut.kept;
          counts.changesLost += cut.lost;
          counts.tornWrites += cut.torn;
          const op = cut.op === 'end of run' ? cut.op : (cut.op.split(' ')[0] ?? '');
          counts.byOp.set(op, (counts.byOp.get(op) ?? 0) + 1);
          counts.byKeep.set(cut.keep, (counts.byKeep.get(cut.keep) ?? 0) + 1);
          checkDisk(false);
        },
        afterRecovery(report) {
          counts.removed += report.removed;
          counts.lowered += report.lowered;
          counts.cutBack += report.cut;
          if (report.unreadable.length > 0) violation(`unreadable: ${report.unreadable.join()}`);
          checkDisk(true);
        },
        nextCountdown: () =>
          cutsThisRun >= CUTS_PER_RUN || counts.cuts >= CUTS
            ? Number.POSITIVE_INFINITY
            : 1 + Math.floor(random() * 50),
        nextKeep: () => KEEPS[Math.floor(random() * KEEPS.length)] ?? 0,
        fileSystem: (view) => {
          if (faultRate === 0) return view;
          const layer = randomDiskFaults(faultRandom, faultRate, view);
          layer.enabled = faultsOn;
          layers.push(layer);
          return layer.fs;
        },
      },
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    before(async () => {
      process.on('unhandledRejection', onUnhandled);
      await rig.listen();
    });
    after(async () => {
      process.off('unhandledRejection', onUnhandled);
      await rig.close();
    });

    it(`${CUTS} cuts during uploads: no record past its bytes, no created upload lost, completed uploads whole`, {
      timeout: 240_000,
    }, async () => {
      const pool = seededBytes(64 * 1024 + 4096, SEED);
      const started = Date.now();
      while (counts.cuts < CUTS) {
        counts.runs++;
        cutsThisRun = 0;
        uploads = new Map();
        disk = new PowerLossFs(random, ['/disk']);
        faultsOn = faultRate > 0;
        await rig.start(disk);
        const work: Promise<void>[] = [];
        for (let i = 0; i < CLIENTS; i++) {
          const size = logUniform(random, 200, 24 * 1024);
          const from = Math.floor(random() * 4096);
          const name = `r${counts.runs}-u${i}`;
          const upload: Upload = {
            source: pool.subarray(from, from + size),
            created: new Set(),
            acked: new Map(),
            deleting: new Set(),
            deleted: new Set(),
            complete: false,
          };
          uploads.set(name, upload);
          counts.uploads++;
          const protocol = PROTOCOLS[i % PROTOCOLS.length] ?? 'tus-v1';
          const parallel = protocol === 'tus-v1' && random() < 0.3;
          if (parallel) counts.parallel++;
          const removeAfter = random() < 0.15;
          const client = new TusClient(rig.endpoint, {
            protocol,
            chunkSize: logUniform(random, 512, 4096),
            checksum: protocol === 'tus-v1' ? 'sha1' : 'sha256',
            uploadDataDuringCreation: random() < 0.5,
            maxRetries: 12,
            retryDelay: 0,
            timeout: 10_000,
            afterResponse: (method, url, status, response) => {
              const location = response.headers.location;
              const id =
                method === 'POST' && location !== undefined
                  ? idOf(new URL(location, url).href)
                  : idOf(url);
              if (method === 'POST' && status === 201) upload.created.add(id);
              if (method === 'DELETE' && status === 204) upload.deleted.add(id);
              const offset = Number(response.headers['upload-offset']);
              if (status < 300 && offset > (upload.acked.get(id) ?? 0))
                upload.acked.set(id, offset);
            },
          });
          work.push(
            client
              .uploadFile({
                input: upload.source,
                metadata: { filename: name },
                ...(parallel ? { parallelUploads: 2 } : {}),
              })
              .then(async (url) => {
                upload.id = idOf(url);
                upload.complete = true;
                counts.completed++;
                if (!removeAfter) return;
                upload.deleting.add(upload.id);
                // A DELETE retried after a cut may find the upload gone already (404).
                await client.deleteUpload(url).catch(() => {});
                counts.deletes++;
              })
              .catch((error: unknown) => {
                counts.failed++;
                // On a failing disk an upload may run out of retries; never otherwise.
                if (faultRate === 0) violation(`${name} (${protocol}) failed: ${String(error)}`);
              })
              .finally(() => client.close()),
          );
        }
        await Promise.all(work);
        assert.equal(rig.fatal, undefined, `a recovery failed: ${String(rig.fatal)}`);
        // The harshest cut once all is done: every completed upload must still be whole.
        rig.disarm();
        faultsOn = false;
        for (const layer of layers) layer.enabled = false;
        await rig.cutNow(0, 'end of run');
        for (const [name, upload] of uploads) {
          if (upload.id === undefined || upload.deleting.has(upload.id)) continue;
          const head = await send('HEAD', `${rig.endpoint}/${upload.id}`, { headers: TUS });
          const offset = Number(head.headers['upload-offset']);
          if (head.status !== 200) violation(`${name}: HEAD after the last cut: ${head.status}`);
          else if (offset > upload.source.length)
            violation(`${name}: offset ${offset} past the source`);
          const data = disk.content(`${FOLDER}/${upload.id}`);
          if (upload.complete && !data?.equals(upload.source)) {
            violation(`${name}: completed, and differs from its source`);
          }
        }
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        [
          `power loss${label}, seed ${SEED}: ${counts.cuts} cuts during uploads (${counts.duringRecovery} of them during a recovery) and ${counts.finalCuts} after, in ${counts.runs} runs, ${seconds} s`,
          `  cut at: ${[...counts.byOp].map(([op, n]) => `${op} ${n}`).join(', ')}`,
          `  share of volatile changes kept: ${[...counts.byKeep].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
          `  volatile changes kept ${counts.changesKept}, lost ${counts.changesLost}, torn writes ${counts.tornWrites}`,
          `  recovery: ${counts.removed} removed, ${counts.lowered} lowered, ${counts.cutBack} cut back`,
          `  uploads: ${counts.uploads} (${counts.parallel} in 2 partials and a final), completed ${counts.completed}, failed ${counts.failed}, deleted after ${counts.deletes}`,
          ...(faultRate > 0
            ? [
                `  disk faults: ${faultSummary(layers)}; starts that met one and were started again: ${rig.failedStarts}`,
              ]
            : []),
          `  errors told to onError by live instances: ${rig.serverErrors.length}`,
          `  violations: ${counts.violations.length}`,
        ].join('\n'),
      );
      assert.deepEqual(counts.violations, []);
      assert.deepEqual(unhandled, []);
      if (faultRate === 0) {
        assert.equal(counts.completed, counts.uploads);
        // Without faults no request fails on the server's side: a cut only ends connections.
        assert.deepEqual(rig.serverErrors, []);
      } else assert.ok(counts.completed > 0, 'uploads get through a failing disk too');
    });
  });
}
