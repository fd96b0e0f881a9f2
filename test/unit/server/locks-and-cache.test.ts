/** The pieces every server handler shares: the takeover locks and the bounded record cache. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordCache } from '../../../src/server/record-cache.js';
import { UploadLocks } from '../../../src/server/upload-locks.js';
import { TusServerRequestError } from '../../../src/server/upload-record.js';

const statusOf = async (promise: Promise<unknown>): Promise<number | undefined> => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    assert.ok(error instanceof TusServerRequestError);
    return error.status;
  }
};

describe('UploadLocks', () => {
  it('a newer request stops the holder and gets the upload once it let go', async () => {
    const locks = new UploadLocks(5000);
    const older = await locks.take('a', 'superseded');
    const newer = locks.take('a', 'superseded');
    assert.equal(older.signal.aborted, true);
    assert.equal(older.signal.reason, 'superseded');
    let got = false;
    void newer.then(() => {
      got = true;
    });
    await Promise.resolve();
    assert.equal(got, false, 'not before the holder let go');
    older.release();
    const lease = await newer;
    assert.equal(lease.signal.aborted, false);
    lease.release();
    assert.equal(locks.size, 0);
  });

  it('other uploads are not touched', async () => {
    const locks = new UploadLocks(5000);
    const a = await locks.take('a', 'superseded');
    const b = await locks.take('b', 'superseded');
    assert.equal(a.signal.aborted, false);
    a.release();
    b.release();
  });

  it('a holder that does not let go within waitMs leaves the newcomer a 423, and the queue in order', async () => {
    const locks = new UploadLocks(20);
    const stuck = await locks.take('a', 'superseded');
    assert.equal(await statusOf(locks.take('a', 'superseded')), 423);
    const third = locks.take('a', 'deleted');
    stuck.release();
    const lease = await third;
    assert.equal(lease.signal.aborted, false);
    lease.release();
    assert.equal(locks.size, 0);
  });

  it('a waiter overtaken by a newer request is answered for the newer one’s reason', async () => {
    const locks = new UploadLocks(5000);
    const holder = await locks.take('a', 'superseded');
    const waiting = locks.take('a', 'superseded');
    const deleting = locks.take('a', 'deleted');
    holder.release();
    assert.equal(await statusOf(waiting), 404, 'overtaken by a DELETE: the upload is gone');
    (await deleting).release();
  });

  it('stopAll asks every holder to stop and waits for all', async () => {
    const locks = new UploadLocks(5000);
    const a = await locks.take('a', 'superseded');
    const b = await locks.take('b', 'superseded');
    a.signal.addEventListener('abort', () => a.release());
    b.signal.addEventListener('abort', () => b.release());
    await locks.stopAll('closing');
    assert.equal(a.signal.reason, 'closing');
    assert.equal(locks.size, 0);
  });
});

describe('RecordCache', () => {
  it('keeps at most capacity entries, the least recently used go first', () => {
    const cache = new RecordCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1);
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined, 'b was the least recently used');
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
    cache.delete('a');
    assert.equal(cache.size, 1);
  });

  it('capacity 0 keeps nothing', () => {
    const cache = new RecordCache<number>(0);
    cache.set('a', 1);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.size, 0);
  });
});
