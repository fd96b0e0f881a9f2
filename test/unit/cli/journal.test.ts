/** The batch journal: finished files by path and identity; a torn last line is ignored. */
import assert from 'node:assert/strict';
import {
  appendFile,
  chown,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BatchJournal, batchKey } from '../../../src/cli/batch/journal.js';
import { TusUnsafeFileError } from '../../../src/index.node.js';

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

describe('cli batch journal in a folder others can write (issue 25.8)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ru-journal-planted-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const key = batchKey('http://h/files/', ['/a'], false);
  const file = { size: 10, mtimeMs: 1000.5, ino: 42 };
  const planted = `${JSON.stringify({ path: '/a', ...file, url: 'http://evil/files/1' })}\n`;

  it('a symlink planted at the journal path is refused; its target is untouched', async () => {
    const folder = join(dir, 'link');
    await mkdir(folder, { recursive: true });
    const target = join(dir, 'victim.txt');
    await writeFile(target, planted);
    await symlink(target, join(folder, `${key}.jsonl`));
    await assert.rejects(BatchJournal.open(folder, key), (error: unknown) => {
      assert.ok(error instanceof TusUnsafeFileError, String(error));
      assert.equal(error.reason, 'symlink');
      assert.match(error.message, /the batch journal \S+\.jsonl is a symbolic link/);
      return true;
    });
    assert.equal(await readFile(target, 'utf8'), planted);
  });

  it('a symlink planted after open is not written through either', async () => {
    const folder = join(dir, 'late');
    const journal = await BatchJournal.open(folder, key);
    const target = join(dir, 'victim-late.txt');
    await writeFile(target, 'precious\n');
    await symlink(target, journal.path);
    await assert.rejects(journal.record({ path: '/a', ...file, url: 'http://h/files/1' }), {
      code: 'TUS_ERR_UNSAFE_FILE',
    });
    await journal.close();
    assert.equal(await readFile(target, 'utf8'), 'precious\n');
  });

  it('a journal owned by another user is not believed', {
    skip: process.getuid?.() !== 0,
  }, async () => {
    const folder = join(dir, 'owner');
    await mkdir(folder, { recursive: true });
    const path = join(folder, `${key}.jsonl`);
    await writeFile(path, planted);
    await chown(path, 65534, 65534);
    await assert.rejects(BatchJournal.open(folder, key), (error: unknown) => {
      assert.ok(error instanceof TusUnsafeFileError, String(error));
      assert.equal(error.reason, 'owner');
      assert.match(error.message, /belongs to another user \(uid 65534/);
      return true;
    });
  });

  it('a journal folder that is a symlink is refused', async () => {
    const real = join(dir, 'real-folder');
    await mkdir(real, { recursive: true });
    const folder = join(dir, 'linked-folder');
    await symlink(real, folder);
    await assert.rejects(BatchJournal.open(folder, key), { code: 'TUS_ERR_UNSAFE_FILE' });
  });
});
