/**
 * Issue 26 in the chunk loop (fake transport, no sockets): the first retry after a drop
 * that followed progress goes at once, while failures without progress back off from
 * `retryDelay`; a chunk refused with 460 is sent again at the same size (a corruption is
 * not the link's size).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TusNetworkError, TusUploadFailed, type UploadStats } from '../../../src/index.node.js';
import { RetryBudget } from '../../../src/upload/retry-budget.js';
import { FakeTransport, fakeClient, memoryTus } from '../../helpers/fake-transport.js';

const MiB = 1024 * 1024;
const data = Uint8Array.from({ length: 4 * MiB }, (_, i) => (i * 13) % 251);

function patchesFailing(which: number[], answer: () => never | { status: number }) {
  let patches = 0;
  return (request: { method: string }) => {
    if (request.method !== 'PATCH') return undefined;
    patches++;
    return which.includes(patches) ? answer() : undefined;
  };
}

describe('issue 26: retries follow progress', () => {
  it('the first retry after a drop that followed progress does not wait; repeated failures back off', async () => {
    const tus = memoryTus({
      // PATCH 1 drops before any progress; PATCH 3 after progress, PATCH 4 again (no progress).
      faults: patchesFailing([1, 3, 4], () => {
        throw new TusNetworkError('PATCH x: ECONNRESET');
      }),
    });
    const transport = new FakeTransport(tus.handler);
    const client = fakeClient(transport, { chunkSize: MiB, checksum: false, retryDelay: 40 });
    const delays: number[] = [];
    let last: UploadStats | undefined;
    await client.uploadFile({
      input: data,
      onProgress: (stats) => {
        last = stats;
        if (stats.retry !== undefined) delays.push(stats.retry.delayMs);
      },
    });
    assert.equal(delays.length, 3, `delays ${delays.join(', ')}`);
    assert.ok(delays[0]! >= 20, `before any progress the seed's delay: ${delays[0]}`);
    assert.equal(delays[1], 0, 'after progress: at once');
    assert.ok(delays[2]! >= 20, `again without progress: back off (${delays[2]})`);
    // stats.retries counts every retry taken, the immediate one too.
    assert.equal(last?.retries, 3);
  });

  it('a 460 is not a drop: the chunk is sent again at the same size', async () => {
    const tus = memoryTus({
      checksums: ['sha1'],
      faults: patchesFailing([4], () => ({ status: 460 })),
    });
    const transport = new FakeTransport(tus.handler);
    const client = fakeClient(transport, { retryDelay: 0, maxChunkSize: 2 * MiB });
    await client.uploadFile({ input: new Uint8Array(16 * MiB).fill(7) });
    const sizes = transport.requests
      .filter((r) => r.method === 'PATCH')
      .map((r) => r.body?.byteLength ?? 0);
    assert.ok(sizes.length >= 5, `${sizes.join(', ')}`);
    assert.equal(sizes[4], sizes[3], `refused ${sizes[3]}, sent again ${sizes[4]}`);
  });
});

describe('RetryBudget: fresh count and no wait after progress', () => {
  const at = (offset: number, drop: boolean) => ({
    offset,
    uploadUrl: 'http://tus.test/files/a',
    located: true,
    drop,
  });
  const reset = new TusNetworkError('PATCH x: ECONNRESET');

  it('waits from retryDelay before progress, not at all for the first drop after it, then backs off again', () => {
    const budget = new RetryBudget(3);
    assert.equal(budget.take(reset, at(0, true)).waitFor, 1, 'no progress yet: the seed wait');
    budget.progressed(MiB);
    const first = budget.take(reset, at(MiB, true));
    assert.deepEqual([first.attempt, first.waitFor], [1, 0]);
    const second = budget.take(reset, at(MiB, true));
    assert.deepEqual([second.attempt, second.waitFor], [2, 1]);
    assert.equal(budget.take(reset, at(MiB, true)).waitFor, 2);
    assert.throws(() => budget.take(reset, at(MiB, true)), TusUploadFailed);
  });

  it('a failure that is not a drop waits even after progress; progress renews the count', () => {
    const budget = new RetryBudget(1);
    budget.progressed(MiB);
    assert.equal(budget.take(reset, at(MiB, false)).waitFor, 1);
    assert.throws(() => budget.take(reset, at(MiB, true)), TusUploadFailed);
    const again = new RetryBudget(1);
    again.take(reset, at(0, true));
    again.progressed(2 * MiB);
    assert.equal(again.take(reset, at(2 * MiB, true)).attempt, 1, 'a fresh count');
  });
});

describe('RetryBudget: the resync right after an immediate retry', () => {
  it('goes at once too when its connection was lost (the drop took the pooled one), once', () => {
    const budget = new RetryBudget(3);
    const reset = new TusNetworkError('x: ECONNRESET');
    const where = { offset: MiB, uploadUrl: 'http://tus.test/files/a', located: true };
    budget.progressed(MiB);
    assert.equal(budget.take(reset, { ...where, drop: true }).waitFor, 0);
    assert.equal(budget.take(reset, { ...where, lost: true }).waitFor, 0);
    assert.equal(budget.take(reset, { ...where, lost: true }).waitFor, 1);
  });
});
