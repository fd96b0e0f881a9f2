/**
 * Forward-only inputs under faults: a stream keeps only the current chunk, so every resync
 * (a server that kept part of a chunk, a lie about the offset, a lost answer) must land
 * inside what it kept. Node Readables and web ReadableStreams, of known and unknown size
 * (creation-defer-length), into our server with sha1, through a seeded fault schedule.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../src/index.node.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { progressGuard } from './harness.js';
import { logUniform, seededBytes, seededRandom, seededSchedule } from './schedule.js';

const SEED = Number(process.env.SOAK_SEED ?? 7);
const PER_KIND = 8;
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** `data` cut into pieces of random sizes (the way a socket or a file stream delivers). */
function pieces(data: Uint8Array, random: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.byteLength; ) {
    const size = Math.min(data.byteLength - at, logUniform(random, 1, 256 * 1024));
    out.push(data.slice(at, at + size));
    at += size;
  }
  return out;
}

/** A web `ReadableStream` that hands out `parts` one pull at a time. */
function webStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[next++];
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}

const kinds = [
  { name: 'Node Readable, uploadSize given', web: false, sized: true },
  { name: 'web ReadableStream, uploadSize given', web: true, sized: true },
  { name: 'Node Readable, size unknown (deferred length)', web: false, sized: false },
] as const;

describe(`stream inputs under faults (seed ${SEED})`, () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ fsync: false });
  });
  after(() => server.close());

  for (const kind of kinds) {
    it(`${kind.name}: ${PER_KIND} uploads arrive whole`, { timeout: 120_000 }, async () => {
      let faults = 0;
      for (let i = 0; i < PER_KIND; i++) {
        const seed = (SEED * 7919 + i * 31 + kind.name.length) >>> 0;
        const random = seededRandom(seed);
        const size = logUniform(random, 1, 3 * 1024 * 1024);
        const chunkSize = logUniform(random, 8 * 1024, 1024 * 1024);
        const data = seededBytes(size, seed);
        const parts = pieces(data, random);
        const input = kind.web ? webStream(parts) : Readable.from(parts);
        const proxy = await startFaultProxy(server.endpoint, {
          decide: seededSchedule(seed, { rate: 0.25, stallMs: 1500 }),
        });
        const client = new TusClient(proxy.endpoint, {
          checksum: 'sha1',
          chunkSize,
          maxRetries: 20,
          retryDelay: 20,
          timeout: 300,
        });
        const label = `#${i} (seed ${seed}, ${size} B, chunks of ${chunkSize} B)`;
        try {
          const guard = progressGuard(proxy);
          const url = await client
            .uploadFile({
              input,
              ...(kind.sized ? { uploadSize: size } : {}),
              onProgress: guard.onProgress,
            })
            .catch((error: unknown) => {
              const log = proxy.requests.map((r) => {
                const fault = proxy.faults.find((f) => f.index === r.index);
                return `${r.method}${fault === undefined ? '' : `[${fault.kind}]`}`;
              });
              throw new Error(`${label}: ${String(error)}\n  requests: ${log.join(' ')}`, {
                cause: error,
              });
            });
          const stored = await readFile(server.dataPath(url));
          assert.equal(stored.byteLength, size, label);
          assert.equal(sha256(stored), sha256(data), label);
          faults += proxy.faults.length;
        } finally {
          await client.close();
          await proxy.close();
        }
      }
      assert.ok(faults > 0, 'faults were injected');
    });
  }
});
