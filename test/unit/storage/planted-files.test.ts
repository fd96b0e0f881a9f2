/**
 * Issue 25.8: the URL store in a folder others can write. A symlink planted at its path is
 * refused (never followed: its target stays as it was), and so is a store file owned by
 * another user (chown to nobody: these tests run as root; skipped where they cannot chown).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import {
  chown,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TusStorageError, TusUnsafeFileError } from '../../../src/errors/index.js';
import { FileUrlStorage } from '../../../src/storage/file-url-storage.node.js';
import type { UrlStorageEntry } from '../../../src/storage/url-storage.js';

const NOBODY = 65534;
const canChown = process.getuid?.() === 0;

const entry: UrlStorageEntry = {
  uploadUrl: 'http://127.0.0.1:1080/files/1',
  size: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  metadata: {},
};

/** Another user's store, as a planted one would look (a valid one, to be believed). */
const PLANTED = JSON.stringify({
  version: 1,
  uploads: {
    fp: {
      ...entry,
      uploadUrl: 'http://evil.example/files/x',
      endpoint: 'http://evil.example/files/',
    },
  },
});

let dir: string;
let count = 0;
const fresh = async () => {
  const folder = join(dir, `case-${++count}`);
  await mkdir(folder, { recursive: true });
  return folder;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'planted-store-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('FileUrlStorage in a folder others can write', () => {
  it('a symlink planted at the store path is refused by every method; its target is untouched', async () => {
    const folder = await fresh();
    const target = join(folder, 'victim.txt');
    await writeFile(target, 'precious\n');
    const path = join(folder, 'urls.json');
    await symlink(target, path);
    const storage = new FileUrlStorage({ path, onWarning: () => {} });
    for (const call of [
      () => storage.get('fp'),
      () => storage.list(),
      () => storage.set('fp', entry),
      () => storage.remove('fp'),
    ]) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof TusUnsafeFileError, String(error));
        assert.ok(error instanceof TusStorageError);
        assert.equal(error.code, 'TUS_ERR_UNSAFE_FILE');
        assert.equal(error.reason, 'symlink');
        assert.equal(error.path, path);
        assert.match(error.message, /is a symbolic link: it is not followed .*Remove it/);
        return true;
      });
    }
    assert.equal(await readFile(target, 'utf8'), 'precious\n', 'the target is untouched');
    assert.ok((await lstat(path)).isSymbolicLink(), 'the link stays for the user to see');
  });

  it('a symlink to a valid store is not believed either', async () => {
    const folder = await fresh();
    const elsewhere = join(folder, 'theirs.json');
    await writeFile(elsewhere, PLANTED);
    const path = join(folder, 'urls.json');
    await symlink(elsewhere, path);
    const storage = new FileUrlStorage({ path });
    await assert.rejects(storage.get('fp'), { code: 'TUS_ERR_UNSAFE_FILE' });
  });

  it('a store file owned by another user is neither believed nor written', {
    skip: !canChown,
  }, async () => {
    const folder = await fresh();
    const path = join(folder, 'urls.json');
    await writeFile(path, PLANTED, { mode: 0o644 });
    await chown(path, NOBODY, NOBODY);
    const storage = new FileUrlStorage({ path });
    await assert.rejects(storage.get('fp'), (error: unknown) => {
      assert.ok(error instanceof TusUnsafeFileError, String(error));
      assert.equal(error.reason, 'owner');
      assert.match(
        error.message,
        /belongs to another user \(uid 65534, this process runs as uid 0\)/,
      );
      return true;
    });
    await assert.rejects(storage.set('mine', entry), { code: 'TUS_ERR_UNSAFE_FILE' });
    assert.equal(await readFile(path, 'utf8'), PLANTED, 'not rewritten');
  });

  it('a FIFO at the store path does not block: refused as not a regular file', async () => {
    const folder = await fresh();
    const path = join(folder, 'urls.json');
    execFileSync('mkfifo', [path]);
    // A writer of our own, so that a reader that blocks (the defect) can be let go.
    const writer = await open(path, constants.O_RDWR | constants.O_NONBLOCK);
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        new FileUrlStorage({ path, onWarning: () => {} }).list().then(
          () => 'resolved',
          (error: unknown) => (error as { code?: string }).code,
        ),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve('blocked'), 5000);
        }),
      ]);
      assert.equal(outcome, 'TUS_ERR_UNSAFE_FILE');
    } finally {
      clearTimeout(timer);
      await writer.close();
    }
  });

  it('a store file of this user still works (created 0600)', async () => {
    const folder = await fresh();
    const path = join(folder, 'urls.json');
    const storage = new FileUrlStorage({ path });
    await storage.set('fp', entry);
    assert.equal((await storage.get('fp'))?.uploadUrl, entry.uploadUrl);
    assert.equal((await lstat(path)).mode & 0o777, 0o600);
  });
});
