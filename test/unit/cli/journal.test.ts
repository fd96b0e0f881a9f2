/** The batch journal: finished files by path and identity; a torn last line is ignored. */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchJournal, batchKey } from '../../../src/cli/batch/journal.js';

describe('cli batch journal', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ru-journal-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const file = { size: 10, mtimeMs: 1000.5, ino: 42 };

  it('records finished files; a new run finds them while size, mtime and inode are the same', async () => {
    const key = batchKey('http://h/files/', ['/a', '/b'], true);
    const first = await BatchJournal.open(dir, key);
    assert.equal(first.finishedCount, 0);
    await Promise.all([
      first.record({ path: '/a', ...file, url: 'http://h/files/1' }),
      first.record({ path: '/b', ...file, url: 'http://h/files/2' }),
    ]);
    await first.close();
    // A kill while a line was being written leaves half a line.
    await appendFile(first.path, '{"path":"/c","size":1');
    const second = await BatchJournal.open(dir, key);
    assert.equal(second.finishedCount, 2);
    assert.equal(second.finished('/a', file)?.url, 'http://h/files/1');
    assert.equal(second.finished('/a', { ...file, mtimeMs: 2000 }), undefined, 'touched');
    assert.equal(second.finished('/b', { ...file, ino: 43 }), undefined, 'replaced');
    assert.equal(second.finished('/c', file), undefined);
    await second.remove();
    await assert.rejects(readFile(second.path), { code: 'ENOENT' });
  });

  it('another endpoint or other arguments are another batch', () => {
    const key = batchKey('http://h/files/', ['/a'], false);
    assert.notEqual(batchKey('http://other/files/', ['/a'], false), key);
    assert.notEqual(batchKey('http://h/files/', ['/a', '/b'], false), key);
    assert.notEqual(batchKey('http://h/files/', ['/a'], true), key);
    assert.equal(batchKey('http://h/files/', ['/a'], false), key);
  });
});
