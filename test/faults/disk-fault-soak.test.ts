/**
 * Issue 25, "no byte lost when the disk fails": our server (fsync on, a real folder) whose
 * writes, fsyncs, renames and file creations fail at random (EIO, ENOSPC, short writes;
 * test/helpers/disk-faults.ts) while 4 real `TusClient`s make 200 uploads over HTTP on
 * 127.0.0.1, with checksums, half with tus 1.0 and half with the IETF draft. Uploads may
 * fail (the disk keeps failing); silent corruption may not. Afterwards:
 * - the server never crashed: it still answers, and no promise was left rejected unhandled;
 * - every upload a client reported complete equals its source, byte for byte;
 * - every record's offset ≤ the bytes in its data file, and those bytes are the source's;
 * - a restart on the folder (no faults) leaves every record with exactly its bytes.
 * The seed fixes the uploads and the sequence of fault decisions (which call meets which
 * decision also depends on how the 4 clients interleave). Replay with `DISK_SEED=<seed>`;
 * `DISK_UPLOADS`, `DISK_FAULT_RATE` change the load.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TusClient, TusError } from '../../src/index.node.js';
import { createTusServer } from '../../src/server/index.js';
import type { ProtocolName } from '../../src/upload/protocols/upload-protocol.js';
import { randomDiskFaults } from '../helpers/disk-faults.js';
import { startOurServer } from '../helpers/our-server.js';
import { send } from '../helpers/raw-http.js';
import { logUniform, seededBytes, seededRandom } from './schedule.js';

const SEED = Number(process.env.DISK_SEED ?? 20_261_208);
const UPLOADS = Number(process.env.DISK_UPLOADS ?? 200);
const RATE = Number(process.env.DISK_FAULT_RATE ?? 0.03);
const CLIENTS = 4;
const KiB = 1024;
const MiB = 1024 * KiB;
const PROTOCOLS: readonly ProtocolName[] = ['tus-v1', 'ietf-draft-12', 'tus-v1', 'ietf-draft-05'];

interface Planned {
  name: string;
  source: Uint8Array;
  protocol: ProtocolName;
  chunkSize: number;
  withCreation: boolean;
}

function nameOf(metadata: string): string | undefined {
  for (const pair of metadata.split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key === 'filename' && value !== undefined) return Buffer.from(value, 'base64').toString();
  }
  return undefined;
}

describe(`disk faults (seed ${SEED}, ${RATE * 100} % of writes, fsyncs, renames failing)`, () => {
  it(`${UPLOADS} uploads by ${CLIENTS} clients: complete ones whole, every record a true prefix`, {
    timeout: 180_000,
  }, async () => {
    const random = seededRandom(SEED);
    const pool = seededBytes(MiB + 64 * KiB, SEED);
    const plan: Planned[] = [];
    for (let i = 0; i < UPLOADS; i++) {
      const size = logUniform(random, 2 * KiB, MiB);
      const from = Math.floor(random() * 64 * KiB);
      plan.push({
        name: `u${i}`,
        source: pool.subarray(from, from + size),
        protocol: PROTOCOLS[i % PROTOCOLS.length] ?? 'tus-v1',
        chunkSize: logUniform(random, 16 * KiB, 256 * KiB),
        withCreation: random() < 0.5,
      });
    }
    const faults = randomDiskFaults(seededRandom(SEED ^ 0x5eed), RATE);
    faults.enabled = false; // the start itself must succeed
    const reported: unknown[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const server = await startOurServer({
      fileSystem: faults.fs,
      fsync: true,
      onError: (error) => reported.push(error),
    });
    faults.enabled = true;
    const byName = new Map(plan.map((p) => [p.name, p]));
    const completed = new Map<string, string>();
    const failed = new Map<string, unknown>();
    const started = Date.now();
    try {
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < plan.length; i = next++) {
          const planned = plan[i] as Planned;
          const client = new TusClient(server.endpoint, {
            protocol: planned.protocol,
            chunkSize: planned.chunkSize,
            checksum: planned.protocol === 'tus-v1' ? 'sha1' : 'sha256',
            uploadDataDuringCreation: planned.withCreation,
            maxRetries: 10,
            retryDelay: 1,
            timeout: 20_000,
          });
          try {
            const url = await client.uploadFile({
              input: planned.source,
              metadata: { filename: planned.name },
            });
            completed.set(planned.name, url);
          } catch (error) {
            failed.set(planned.name, error);
          } finally {
            await client.close();
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, worker));
      faults.enabled = false;

      // The server still answers.
      const options = await send('OPTIONS', server.endpoint);
      assert.equal(options.status, 204, 'the server answers after the faults');
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
      for (const [name, error] of failed) {
        assert.ok(error instanceof TusError, `${name} failed with a TusError: ${String(error)}`);
      }
      // Every completed upload equals its source.
      for (const [name, url] of completed) {
        const stored = await readFile(server.dataPath(url));
        assert.ok(stored.equals(byName.get(name)?.source ?? Buffer.alloc(0)), `${name} is whole`);
      }
      // Every record: offset ≤ the bytes on disk, which are a prefix of the source.
      const checkRecords = async (
        exact: boolean,
      ): Promise<{ records: number; orphans: number }> => {
        const names = await readdir(server.directory);
        let records = 0;
        for (const file of names.filter((n) => /^[0-9a-f]{32}\.json$/.test(n))) {
          records++;
          const id = file.slice(0, 32);
          const record = JSON.parse(await readFile(join(server.directory, file), 'utf8'));
          const data = await readFile(join(server.directory, id));
          const planned = byName.get(nameOf(record.metadata) ?? '');
          assert.ok(planned !== undefined, `record ${id} names a source`);
          assert.ok(record.offset <= data.length, `${planned.name}: offset past the bytes on disk`);
          if (exact)
            assert.equal(data.length, record.offset, `${planned.name}: exact after restart`);
          const claimed = data.subarray(0, record.offset);
          assert.ok(
            claimed.equals(planned.source.subarray(0, record.offset)),
            `${planned.name}: recorded bytes are the source's prefix`,
          );
        }
        const orphans = names.filter(
          (n) => /^[0-9a-f]{32}$/.test(n) && !names.includes(`${n}.json`),
        );
        return { records, orphans: orphans.length };
      };
      const before = await checkRecords(false);
      assert.equal(
        before.orphans,
        0,
        'no data file without a record (a failed creation cleans up)',
      );
      // A restart on the folder, without faults: recovery leaves each record with its bytes.
      const restarted = createTusServer({ directory: server.directory, path: '/files' });
      const recovery = await restarted.ready();
      await restarted.close();
      const afterRestart = await checkRecords(true);
      assert.equal(afterRestart.orphans, 0, 'no data file without a record after the restart');
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        [
          `disk faults, seed ${SEED}: ${UPLOADS} uploads, ${completed.size} completed, ${failed.size} failed, ${seconds} s`,
          `  ${[...faults.counts.values()].reduce((a, b) => a + b, 0)} faults in ${faults.calls} calls: ${[...faults.counts].map(([k, n]) => `${k} ${n}`).join(', ')}`,
          `  errors told to onError: ${reported.length}`,
          `  records after the run ${before.records}, data files without a record ${before.orphans}`,
          `  restart: ${recovery.removed} removed, ${recovery.lowered} lowered, ${recovery.cut} cut back`,
        ].join('\n'),
      );
      assert.ok(completed.size >= UPLOADS / 2, 'most uploads get through a modest fault rate');
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await server.close();
    }
  });
});
