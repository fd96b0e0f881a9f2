/**
 * The planner between the sizing policy and what the pipeline has hashed forward: the part
 * hashed goes as the chunk, unless the rest will be hashed sooner than one more round trip.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeChecksum } from '../../../src/checksum/node-checksum.node.js';
import { BufferSource } from '../../../src/sources/buffer-source.js';
import type { ChunkPipeline } from '../../../src/upload/chunk-pipeline.js';
import { ChunkPlanner } from '../../../src/upload/chunk-planner.js';
import { ServerChunkLimits } from '../../../src/upload/chunk-sizing.js';

const MiB = 1024 * 1024;
const HASHED = 38 * MiB;

/** A planner whose pipeline has hashed `HASHED` bytes from 1 MiB on, `waitMs` from more. */
function plannerWith(waitMs: number | undefined): ChunkPlanner {
  const pipeline = {
    maxChunk: Number.POSITIVE_INFINITY,
    aheadLength: () => undefined,
    forwardHashed: (start: number) => (start === MiB ? HASHED : undefined),
    forwardWaitMs: (start: number) => (start === MiB ? waitMs : undefined),
  } as unknown as ChunkPipeline;
  const planner = new ChunkPlanner({
    source: new BufferSource(new Uint8Array(0)),
    checksum: nodeChecksum,
    algorithm: 'sha1',
    chunkSize: 'auto',
    maxChunkSize: 64 * MiB,
    server: { key: 'http://tus.test', limits: new ServerChunkLimits() },
    limits: () => undefined,
    pipeline,
  });
  // A 50 ms round trip; the first 1 MiB took 92 ms: the next chunk is tens of MiB.
  planner.sizer.roundTrip(50);
  planner.sizer.chunkDone(MiB, 92);
  return planner;
}

describe('ChunkPlanner', () => {
  const remaining = 127 * MiB;

  it('waits for the digest when the rest is hashed within a round trip (whole MiB pieces)', () => {
    const planner = plannerWith(20);
    const wanted = planner.sizer.next(remaining);
    assert.ok(wanted > HASHED && wanted % MiB !== 0, `the policy wants ${wanted}`);
    assert.equal(planner.sizeAt(MiB, remaining), wanted - (wanted % MiB));
  });

  it('the last chunk stays whole: what remains, not rounded', () => {
    const last = HASHED - 12_345;
    assert.equal(plannerWith(20).sizeAt(MiB, last), last);
  });

  it('sends what is hashed when the rest would take longer than a round trip', () => {
    assert.equal(plannerWith(200).sizeAt(MiB, remaining), HASHED);
  });

  it('sends what is hashed while the hashing rate is unknown', () => {
    assert.equal(plannerWith(undefined).sizeAt(MiB, remaining), HASHED);
  });
});
