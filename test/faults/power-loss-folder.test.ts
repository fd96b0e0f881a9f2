/**
 * Issue 25, found by the power-loss run: the storage folder's own entry must survive a power
 * loss. The server created its folder (`mkdir -p`) and fsynced only the folder itself after
 * each creation, never the folder above it: on a file system that keeps what POSIX promises
 * and no more, a power cut then lost the folder with every upload in it, 201s and 204s
 * already answered. Now the start fsyncs the folder above it (and above each folder created
 * with it), also when the folder already exists (a process that died before the fsync).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTusServer } from '../../src/server/index.js';
import { PowerLossFs } from '../helpers/power-loss-fs.js';
import { create, patch, send, TUS } from '../helpers/raw-http.js';
import { seededRandom } from './schedule.js';

/** Our server on `disk` in `directory`, one upload created and 5 bytes into it, then power off. */
async function uploadThenCut(disk: PowerLossFs, directory: string): Promise<string> {
  const server = createTusServer({ directory, path: '/files', fileSystem: disk.view() });
  const endpoint = await server.listen(0, '127.0.0.1');
  try {
    const url = await create(endpoint, { 'Upload-Length': '10' });
    assert.equal((await patch(url, 0, 'abcde')).status, 204);
    disk.cut(0); // nothing that was not made durable survives
    return new URL(url).pathname;
  } finally {
    server.httpServer?.closeAllConnections();
    await server.close();
  }
}

/** HEAD of `path` on a new server started on what survived. */
async function headAfterRestart(disk: PowerLossFs, directory: string, path: string) {
  const server = createTusServer({ directory, path: '/files', fileSystem: disk.view() });
  const endpoint = await server.listen(0, '127.0.0.1');
  try {
    return await send('HEAD', new URL(path, endpoint).href, { headers: TUS });
  } finally {
    server.httpServer?.closeAllConnections();
    await server.close();
  }
}

describe('power loss: the storage folder itself', () => {
  it('a folder the server creates survives a power cut with the uploads answered in it', async () => {
    const disk = new PowerLossFs(seededRandom(1), ['/disk']);
    const path = await uploadThenCut(disk, '/disk/uploads');
    const head = await headAfterRestart(disk, '/disk/uploads', path);
    assert.equal(head.status, 200, 'the upload answered 201 and 204 is still there');
    assert.equal(head.headers['upload-offset'], '5');
  });

  it('so do the parents the server creates with it', async () => {
    const disk = new PowerLossFs(seededRandom(2), ['/disk']);
    const path = await uploadThenCut(disk, '/disk/a/b/uploads');
    assert.deepEqual(disk.list('/disk/a/b'), ['uploads']);
    const head = await headAfterRestart(disk, '/disk/a/b/uploads', path);
    assert.equal(head.status, 200);
    assert.equal(head.headers['upload-offset'], '5');
  });

  it('a folder left unsynced by a process that died is made durable at start', async () => {
    const disk = new PowerLossFs(seededRandom(3), ['/disk']);
    await disk.view().mkdir('/disk/uploads'); // created, its entry not yet durable
    const path = await uploadThenCut(disk, '/disk/uploads');
    const head = await headAfterRestart(disk, '/disk/uploads', path);
    assert.equal(head.status, 200);
    assert.equal(head.headers['upload-offset'], '5');
  });
});
