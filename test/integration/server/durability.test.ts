/**
 * Issue 15, point 9: with `fsync` on, what a request answered is on disk in an order that
 * survives a power loss: data fsynced before the info file records it, the info file's temp
 * copy fsynced before it is renamed over the old one, the folder fsynced after a creation,
 * a rename and a removal. With `fsync` off, no fsync at all. Checked on the log of every
 * file-system call the store makes.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { startOurServer } from '../../helpers/our-server.js';
import { create, patch, send, TUS } from '../../helpers/raw-http.js';
import { idOf } from './fixtures/by-hand.js';
import { faultyFs } from './fixtures/faulty-fs.js';

/** The calls of `ops` that match one of `wanted`, with temp names made generic. */
function calls(ops: readonly string[], wanted: RegExp): string[] {
  return ops.filter((op) => wanted.test(op)).map((op) => op.replace(/\.[0-9a-f]{8}\.tmp/g, '.TMP'));
}

describe('fsync order', () => {
  it('fsync on: data, then the info temp copy, rename, then the folder; removal synced too', async () => {
    const faults = faultyFs();
    const server = await startOurServer({ fileSystem: faults.fs, fsync: true });
    try {
      const folder = basename(server.directory);
      faults.ops.length = 0;
      const url = await create(server.endpoint, { 'Upload-Length': '10' });
      const id = idOf(url);
      assert.deepEqual(calls(faults.ops, /./), [
        `open wx ${id}`,
        `close ${id}`,
        `open wx ${id}.json.TMP`,
        `write ${id}.json.TMP`,
        `sync ${id}.json.TMP`,
        `close ${id}.json.TMP`,
        `rename ${id}.json.TMP ${id}.json`,
        `open r ${folder}`,
        `sync ${folder}`,
        `close ${folder}`,
      ]);
      faults.ops.length = 0;
      assert.equal((await patch(url, 0, 'abcde')).status, 204);
      assert.deepEqual(calls(faults.ops, /writev|sync|rename|close/), [
        `writev ${id}`,
        `datasync ${id}`,
        `close ${id}`,
        `sync ${id}.json.TMP`,
        `close ${id}.json.TMP`,
        `rename ${id}.json.TMP ${id}.json`,
        `sync ${folder}`,
        `close ${folder}`,
      ]);
      faults.ops.length = 0;
      assert.equal((await send('DELETE', url, { headers: TUS })).status, 204);
      assert.deepEqual(calls(faults.ops, /./), [
        `unlink ${id}.json`,
        `unlink ${id}`,
        `open r ${folder}`,
        `sync ${folder}`,
        `close ${folder}`,
      ]);
    } finally {
      await server.close();
    }
  });

  it('fsync off: no fsync of data, info or folder', async () => {
    const faults = faultyFs();
    const server = await startOurServer({ fileSystem: faults.fs, fsync: false });
    try {
      const url = await create(server.endpoint, { 'Upload-Length': '10' });
      assert.equal((await patch(url, 0, 'abcde')).status, 204);
      assert.equal((await send('DELETE', url, { headers: TUS })).status, 204);
      assert.deepEqual(calls(faults.ops, /sync/), []);
      assert.ok(
        faults.ops.some((op) => op.startsWith('rename ')),
        'the log saw the requests',
      );
    } finally {
      await server.close();
    }
  });
});
