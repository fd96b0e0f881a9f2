/**
 * One fault at a time through the fault proxy, in front of @tus/server and of our server
 * (with sha1 checksums): each upload recovers, the stored bytes equal the input, progress
 * never goes back or past what the server said.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../src/index.node.js';
import { type Fault, startFaultProxy } from '../helpers/fault-proxy.js';
import { startOurServer } from '../helpers/our-server.js';
import { type StartedTusServer, startTusNodeServer } from '../helpers/tus-node-server.js';
import { bytes, KiB, sha256, sha256File } from '../integration/client/fixtures.js';
import { progressGuard } from './harness.js';
import { lowerOffset } from './schedule.js';

const CHUNK = 256 * KiB;
const SIZE = 4 * CHUNK + 7;

interface Case {
  label: string;
  /** Which request gets the fault. */
  on: { method: string; nth: number };
  fault: Fault;
  /** Whether the client must have retried (false: the odd answer is fine as it is). */
  retried: boolean;
}

const cases: Case[] = [
  {
    label: 'reset mid-body',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'reset', afterBytes: 100_000 },
    retried: true,
  },
  {
    label: 'reset before any body byte',
    on: { method: 'PATCH', nth: 1 },
    fault: { kind: 'reset', afterBytes: 0 },
    retried: true,
  },
  {
    label: 'stall mid-body (timeout)',
    on: { method: 'PATCH', nth: 3 },
    fault: { kind: 'stall', afterBytes: 50_000, ms: 20_000 },
    retried: true,
  },
  {
    label: 'stall before the answer',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'stall-answer', ms: 20_000 },
    retried: true,
  },
  {
    label: 'answer lost after the server took the chunk',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'drop-answer' },
    retried: true,
  },
  {
    label: 'creation answer lost',
    on: { method: 'POST', nth: 1 },
    fault: { kind: 'drop-answer' },
    retried: true,
  },
  {
    label: '500 on PATCH',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'status', status: 500 },
    retried: true,
  },
  {
    label: '502 on POST',
    on: { method: 'POST', nth: 1 },
    fault: { kind: 'status', status: 502 },
    retried: true,
  },
  {
    label: '503 on OPTIONS',
    on: { method: 'OPTIONS', nth: 1 },
    fault: { kind: 'status', status: 503 },
    retried: false,
  },
  {
    label: 'an early 503, before the body is read',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'early-status', status: 503 },
    retried: true,
  },
  {
    label: '423 Locked',
    on: { method: 'PATCH', nth: 1 },
    fault: { kind: 'status', status: 423 },
    retried: true,
  },
  {
    label: '429 with Retry-After: 0',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'status', status: 429, headers: { 'Retry-After': '0' } },
    retried: true,
  },
  {
    label: '460 checksum mismatch',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'status', status: 460 },
    retried: true,
  },
  {
    label: '409 offset mismatch',
    on: { method: 'PATCH', nth: 3 },
    fault: { kind: 'status', status: 409 },
    retried: true,
  },
  {
    label: 'an Upload-Offset lower than the server holds',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'edit', edit: lowerOffset },
    retried: true,
  },
  {
    label: 'garbage instead of an answer',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'garbage', bytes: 300 },
    retried: true,
  },
  {
    label: 'half an answer head, then close',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'truncated-head' },
    retried: true,
  },
  {
    label: 'a 32 KiB header',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'huge-header', size: 32 * KiB },
    retried: true,
  },
  {
    label: 'HEAD after a failure answers 503',
    on: { method: 'HEAD', nth: 1 },
    fault: { kind: 'status', status: 503 },
    retried: true,
  },
  {
    label: 'a slow but whole answer (accepted as is)',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'slow-answer', bytesPerTick: 16, everyMs: 5 },
    retried: false,
  },
  {
    label: 'a never-ending answer body (cut, answer used)',
    on: { method: 'PATCH', nth: 2 },
    fault: { kind: 'endless-body', pieceBytes: 16 * KiB, everyMs: 1 },
    retried: false,
  },
];

const servers = [
  // checksum: true asks OPTIONS; @tus/server offers no checksum, so none is used.
  { name: '@tus/server', start: () => startTusNodeServer(), checksum: true, algorithm: undefined },
  {
    name: 'our server, sha1',
    start: () => startOurServer({ fsync: false }),
    checksum: 'sha1',
    algorithm: 'sha1',
  },
] as const;

for (const target of servers) {
  describe(`one fault, then recovery (${target.name} behind the fault proxy)`, () => {
    let server: StartedTusServer;
    before(async () => {
      server = await target.start();
    });
    after(() => server.close());

    for (const c of cases) {
      it(c.label, { timeout: 20_000 }, async () => {
        // A HEAD only follows a failure: fail PATCH 2 first so there is one to fault.
        const needsFailure = c.on.method === 'HEAD';
        const proxy = await startFaultProxy(server.endpoint, {
          decide: (req) => {
            if (needsFailure && req.method === 'PATCH' && req.nth === 2)
              return { kind: 'status', status: 500 };
            return req.method === c.on.method && req.nth === c.on.nth ? c.fault : undefined;
          },
        });
        const client = new TusClient(proxy.endpoint, {
          chunkSize: CHUNK,
          checksum: target.checksum,
          retryDelay: 1,
          maxRetries: 3,
          // Room for a loaded machine: the "not retried" cases must not see a spurious stall.
          timeout: 600,
        });
        try {
          const data = bytes(SIZE, c.label.length);
          const guard = progressGuard(proxy);
          const uploader = client.createUploader({
            input: data,
            maxRetries: 3,
            onProgress: guard.onProgress,
          });
          const url = await uploader.upload();
          assert.ok(
            proxy.faults.some((f) => f.kind === c.fault.kind && f.method === c.on.method),
            'the fault was injected',
          );
          assert.equal(await sha256File(server.dataPath(url)), sha256(data), 'stored bytes');
          assert.equal(guard.reports.at(-1), SIZE);
          const stats = uploader.stats;
          assert.equal(stats.checksumAlgorithm, target.algorithm);
          if (c.retried) assert.ok(stats.retries >= 1, `retries: ${stats.retries}`);
          else if (!needsFailure) assert.equal(stats.retries, 0);
          await uploader.close();
        } finally {
          await client.close();
          await proxy.close();
        }
      });
    }
  });
}
