/**
 * Issue 25, a disk fault followed by a power loss: when the folder's fsync fails after a
 * record was renamed into place, the new record is visible but not durable. The server
 * answered 500 to that PATCH, yet went on answering the new offset (from its cache, or from
 * the file) to a HEAD: a client told "complete" that way was then left with an incomplete
 * upload by the next power cut. Now the store answers from the record it last made durable
 * until a save of that upload gets through, and makes that record the one on disk again
 * before a PATCH cuts bytes the newer one claims.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTusServer, type StoreFileSystem } from '../../src/server/index.js';
import { PowerLossFs } from '../helpers/power-loss-fs.js';
import { create, patch, send, TUS } from '../helpers/raw-http.js';
import { seededRandom } from './schedule.js';

const FOLDER = '/disk/uploads';

/** `inner`, with the fsync of the storage folder failing (EIO) while `failing` is on. */
function failingFolderSync(inner: StoreFileSystem): { fs: StoreFileSystem; failing: boolean } {
  const state = { fs: inner, failing: false };
  state.fs = {
    ...inner,
    async open(path, flags) {
      const handle = await inner.open(path, flags);
      if (path !== FOLDER) return handle;
      return {
        ...handle,
        sync: async () => {
          if (state.failing) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
          return handle.sync();
        },
        close: () => handle.close(),
      };
    },
  };
  return state;
}

async function start(fileSystem: StoreFileSystem) {
  const server = createTusServer({ directory: FOLDER, path: '/files', fileSystem });
  const endpoint = await server.listen(0, '127.0.0.1');
  return {
    endpoint,
    async stop() {
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  };
}

const offsetOf = async (url: string) =>
  (await send('HEAD', url, { headers: TUS })).headers['upload-offset'];

describe('power loss after a failed folder fsync', () => {
  it('a record whose folder fsync failed is not answered until a save makes it durable', async () => {
    const disk = new PowerLossFs(seededRandom(7), ['/disk']);
    const faults = failingFolderSync(disk.view());
    const first = await start(faults.fs);
    let path: string;
    try {
      const url = await create(first.endpoint, { 'Upload-Length': '10' });
      path = new URL(url).pathname;
      assert.equal((await patch(url, 0, 'abcde')).status, 204);
      faults.failing = true;
      assert.equal(
        (await patch(url, 5, 'fghij')).status,
        500,
        'the record could not be made durable',
      );
      faults.failing = false;
      assert.equal(
        await offsetOf(url),
        '5',
        'HEAD answers what is durable, not the 10 that is not',
      );
    } finally {
      await first.stop();
    }
    disk.cut(0);
    const second = await start(disk.view());
    try {
      const url = new URL(path, second.endpoint).href;
      assert.equal(await offsetOf(url), '5', 'what HEAD answered survived');
      assert.equal((await patch(url, 5, 'fghij')).status, 204);
      assert.equal(await offsetOf(url), '10');
    } finally {
      await second.stop();
    }
  });

  it('a PATCH on such an upload makes its durable record the one on disk before cutting bytes', async () => {
    const disk = new PowerLossFs(seededRandom(9), ['/disk']);
    const faults = failingFolderSync(disk.view());
    const server = await start(faults.fs);
    try {
      const url = await create(server.endpoint, { 'Upload-Length': '10' });
      const id = url.split('/').pop() ?? '';
      assert.equal((await patch(url, 0, 'abcde')).status, 204);
      faults.failing = true;
      assert.equal((await patch(url, 5, 'fghij')).status, 500);
      faults.failing = false;
      // From the durable offset again; a wrong checksum: the bytes are cut back, not kept.
      const wrong = { 'Upload-Checksum': `sha1 ${Buffer.alloc(20).toString('base64')}` };
      assert.equal((await patch(url, 5, 'fghij', wrong)).status, 460);
      disk.cut(1); // every change not yet durable survives, the newer record's rename too
      const record = JSON.parse(disk.content(`${FOLDER}/${id}.json`)?.toString() ?? '{}');
      const data = disk.content(`${FOLDER}/${id}`) ?? Buffer.alloc(0);
      assert.ok(record.offset <= data.length, `record ${record.offset}, data ${data.length}`);
    } finally {
      await server.stop();
    }
  });

  it('once a later save of the upload gets through, its record is answered again', async () => {
    const disk = new PowerLossFs(seededRandom(8), ['/disk']);
    const faults = failingFolderSync(disk.view());
    const server = await start(faults.fs);
    try {
      const url = await create(server.endpoint, { 'Upload-Length': '10' });
      faults.failing = true;
      assert.equal((await patch(url, 0, 'abc')).status, 500);
      faults.failing = false;
      assert.equal(await offsetOf(url), '0');
      // The client resends from 0: the bytes go in again and the record is made durable.
      assert.equal((await patch(url, 0, 'abcdefghij')).status, 204);
      assert.equal(await offsetOf(url), '10');
      disk.cut(0);
      assert.equal(disk.content(`${FOLDER}/${url.split('/').pop()}`)?.toString(), 'abcdefghij');
    } finally {
      await server.stop();
    }
  });
});
