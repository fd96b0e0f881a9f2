/**
 * Parallel uploads (partials, then a final concatenation) and creation-with-upload under a
 * seeded fault schedule, into our server with sha1: the final upload's bytes equal the
 * input, and the combined progress never goes back or past what the server confirmed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TusClient, type UploadStats } from '../../src/index.node.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { logUniform, seededBytes, seededRandom, seededSchedule } from './schedule.js';

const SEED = Number(process.env.SOAK_SEED ?? 11);
const UPLOADS = 12;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Progress over all partials: never back, never past the sum of what the server confirmed. */
function combinedGuard(proxy: FaultProxy) {
  let last = 0;
  return (stats: UploadStats) => {
    assert.ok(stats.bytesUploaded >= last, `progress went back: ${last} -> ${stats.bytesUploaded}`);
    let truth = 0;
    for (const offset of proxy.serverOffsets.values()) truth += offset;
    assert.ok(stats.bytesUploaded <= truth, `progress ${stats.bytesUploaded} > confirmed ${truth}`);
    last = stats.bytesUploaded;
  };
}

describe(`parallel uploads and creation-with-upload under faults (seed ${SEED})`, () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ fsync: false });
  });
  after(() => server.close());

  it(`${UPLOADS} uploads arrive whole`, { timeout: 150_000 }, async () => {
    let faults = 0;
    let parallel = 0;
    for (let i = 0; i < UPLOADS; i++) {
      const seed = (SEED * 104_729 + i) >>> 0;
      const random = seededRandom(seed);
      const size = logUniform(random, 16, 4 * 1024 * 1024);
      const chunkSize = logUniform(random, 16 * 1024, 1024 * 1024);
      const parallelUploads = 1 + Math.floor(random() * 4);
      const uploadDataDuringCreation = random() < 0.5;
      const data = seededBytes(size, seed);
      const proxy = await startFaultProxy(server.endpoint, {
        decide: seededSchedule(seed, { rate: 0.2, stallMs: 1500 }),
      });
      const client = new TusClient(proxy.endpoint, {
        checksum: 'sha1',
        chunkSize,
        uploadDataDuringCreation,
        maxRetries: 20,
        retryDelay: 20,
        timeout: 300,
      });
      const label = `#${i} (seed ${seed}, ${size} B, chunks of ${chunkSize} B, ${parallelUploads} parallel, data in POST ${uploadDataDuringCreation})`;
      try {
        const url = await client
          .uploadFile({ input: data, parallelUploads, onProgress: combinedGuard(proxy) })
          .catch((error: unknown) => {
            const log = proxy.requests.map((r) => {
              const fault = proxy.faults.find((f) => f.index === r.index);
              const concat = r.headers['upload-concat']?.split(';')[0];
              return `${r.method}${concat === undefined ? '' : `(${concat})`}${fault === undefined ? '' : `[${fault.kind}]`}`;
            });
            throw new Error(`${label}: ${String(error)}\n  requests: ${log.join(' ')}`, {
              cause: error,
            });
          });
        const stored = await readFile(server.dataPath(url));
        assert.equal(stored.byteLength, size, label);
        assert.equal(sha256(stored), sha256(data), label);
        faults += proxy.faults.length;
        if (proxy.requests.some((r) => r.headers['upload-concat']?.startsWith('final'))) parallel++;
      } finally {
        await client.close();
        await proxy.close();
      }
    }
    assert.ok(faults > 0, 'faults were injected');
    assert.ok(parallel > 0, 'some uploads were parallel');
  });
});
