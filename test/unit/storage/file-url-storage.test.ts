import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultUrlStoragePath } from '../../../src/storage/default-path.node.js';
import { FileUrlStorage } from '../../../src/storage/file-url-storage.node.js';
import type { UrlStorageEntry } from '../../../src/storage/url-storage.js';

const entry = (n: number): UrlStorageEntry => ({
  uploadUrl: `http://127.0.0.1:1080/files/${n}`,
  size: n,
  createdAt: '2025-01-01T00:00:00.000Z',
  metadata: { filename: `f${n}` },
});

let dir: string;
let count = 0;
/** A fresh folder (not created yet) and the storage file in it. */
const freshPath = () => join(dir, `case-${++count}`, 'nested', 'urls.json');

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-url-storage-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileUrlStorage', () => {
  it('creates its folder and a 0600 file holding versioned JSON', async () => {
    const path = freshPath();
    const storage = new FileUrlStorage({ path });
    await storage.set('fp-1', entry(1));
    const data = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(data.version, 1);
    assert.deepEqual(data.uploads['fp-1'], { ...entry(1) });
    if (process.platform !== 'win32') {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(join(path, '..'))).mode & 0o777, 0o700);
    }
  });

  it('leaves no temporary file or lock behind', async () => {
    const path = freshPath();
    const storage = new FileUrlStorage({ path });
    await storage.set('fp-1', entry(1));
    await storage.set('fp-2', entry(2));
    await storage.remove('fp-1');
    assert.deepEqual(await readdir(join(path, '..')), ['urls.json']);
  });

  it('two instances on one file see each other', async () => {
    const path = freshPath();
    await new FileUrlStorage({ path }).set('fp-1', entry(1));
    await new FileUrlStorage({ path }).set('fp-2', entry(2));
    const list = await new FileUrlStorage({ path }).list();
    assert.deepEqual(list.map((e) => e.fingerprint).sort(), ['fp-1', 'fp-2']);
  });

  it('concurrent sets in one process all land (the lock serialises them)', async () => {
    const path = freshPath();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => new FileUrlStorage({ path }).set(`fp-${i}`, entry(i))),
    );
    assert.equal((await new FileUrlStorage({ path }).list()).length, 20);
  });

  it('a truncated file is moved aside with a warning; the entry is set anew; nothing thrown', async () => {
    const path = freshPath();
    const storage = new FileUrlStorage({ path });
    await storage.set('fp-old', entry(1));
    const full = await readFile(path, 'utf8');
    const truncated = full.slice(0, Math.floor(full.length / 2));
    await writeFile(path, truncated);

    const warnings: string[] = [];
    const reopened = new FileUrlStorage({ path, onWarning: (m) => warnings.push(m) });
    assert.equal(await reopened.get('fp-old'), undefined);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /not a valid URL storage file.*moved to .*corrupt-.*empty store/,
    );
    await reopened.set('fp-new', entry(2));
    assert.deepEqual(await reopened.get('fp-new'), entry(2));
    assert.equal(warnings.length, 1, 'warned once');

    const files = await readdir(join(path, '..'));
    const aside = files.find((name) => name.startsWith('urls.json.corrupt-'));
    assert.ok(aside, files.join(', '));
    assert.equal(await readFile(join(path, '..', aside), 'utf8'), truncated, 'old bytes kept');
    assert.deepEqual(Object.keys(JSON.parse(await readFile(path, 'utf8')).uploads), ['fp-new']);
  });

  it('a set on a corrupt file (no read first) also repairs it without throwing', async () => {
    const path = freshPath();
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '["not", "a", "store"]');
    const warnings: string[] = [];
    const storage = new FileUrlStorage({ path, onWarning: (m) => warnings.push(m) });
    await storage.set('fp', entry(1));
    assert.equal(warnings.length, 1);
    assert.deepEqual(await storage.get('fp'), entry(1));
  });

  it('an empty file counts as corrupt too (a crash of another writer)', async () => {
    const path = freshPath();
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '');
    const warnings: string[] = [];
    const storage = new FileUrlStorage({ path, onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await storage.list(), []);
    assert.match(warnings[0] ?? '', /was empty/);
  });

  it('by default warns through process.emitWarning with a code', async () => {
    const path = freshPath();
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '{"version":1,"uploads":{');
    const seen: Array<{ code?: string; message: string }> = [];
    const listener = (warning: Error & { code?: string }) => seen.push(warning);
    // Node's own listener prints every warning; set aside here, for a quiet test log.
    const printers = process.listeners('warning');
    process.removeAllListeners('warning');
    process.on('warning', listener);
    try {
      await new FileUrlStorage({ path }).list();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
      for (const printer of printers) process.on('warning', printer);
    }
    assert.equal(seen[0]?.code, 'RESUMABLE_UPLOAD_URL_STORAGE');
  });

  it('keeps entries it does not understand when writing others', async () => {
    const path = freshPath();
    await mkdir(join(path, '..'), { recursive: true });
    const foreign = { url: 'http://x/files/1', something: [1, 2] };
    await writeFile(path, JSON.stringify({ version: 1, uploads: { foreign } }));
    const storage = new FileUrlStorage({ path });
    assert.equal(await storage.get('foreign'), undefined, 'not an entry of ours');
    await storage.set('fp', entry(1));
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')).uploads.foreign, foreign);
  });

  it('a lock held by a live process past lockTimeout is a TusStorageError naming the file', async () => {
    const path = freshPath();
    await mkdir(`${path}.lock`, { recursive: true });
    const storage = new FileUrlStorage({ path, lockTimeout: 200 });
    await assert.rejects(storage.set('fp', entry(1)), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'TUS_ERR_STORAGE');
      assert.match(error.message, /cannot lock the URL storage file .*urls\.json/);
      return true;
    });
  });

  it('a stale lock (its process died) is taken over', async () => {
    const path = freshPath();
    await mkdir(`${path}.lock`, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    const storage = new FileUrlStorage({ path, lockTimeout: 2000 });
    await storage.set('fp', entry(1));
    assert.deepEqual(await storage.get('fp'), entry(1));
  });

  it('validates its options', () => {
    assert.throws(() => new FileUrlStorage({ path: '' }), TypeError);
    assert.throws(() => new FileUrlStorage({ lockTimeout: 0 }), RangeError);
    assert.throws(() => new FileUrlStorage({ onWarning: 'no' as never }), TypeError);
  });
});

describe('defaultUrlStoragePath', () => {
  const home = '/home/ada';
  it('Linux: $XDG_STATE_HOME, else ~/.local/state', () => {
    assert.equal(
      defaultUrlStoragePath({ platform: 'linux', env: {}, home }),
      '/home/ada/.local/state/resumable-upload/upload-urls.json',
    );
    assert.equal(
      defaultUrlStoragePath({ platform: 'linux', env: { XDG_STATE_HOME: '/x/state' }, home }),
      '/x/state/resumable-upload/upload-urls.json',
    );
    assert.equal(
      defaultUrlStoragePath({ platform: 'freebsd', env: { XDG_STATE_HOME: 'relative' }, home }),
      '/home/ada/.local/state/resumable-upload/upload-urls.json',
      'a relative XDG value is ignored, as the spec says',
    );
  });

  it('macOS: ~/Library/Application Support', () => {
    assert.equal(
      defaultUrlStoragePath({
        platform: 'darwin',
        env: { XDG_STATE_HOME: '/x' },
        home: '/Users/ada',
      }),
      '/Users/ada/Library/Application Support/resumable-upload/upload-urls.json',
    );
  });

  it('Windows: %APPDATA%, else ~\\AppData\\Roaming', () => {
    assert.equal(
      defaultUrlStoragePath({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
        home: 'C:\\Users\\ada',
      }),
      'C:\\Users\\ada\\AppData\\Roaming\\resumable-upload\\upload-urls.json',
    );
    assert.equal(
      defaultUrlStoragePath({ platform: 'win32', env: {}, home: 'C:\\Users\\ada' }),
      'C:\\Users\\ada\\AppData\\Roaming\\resumable-upload\\upload-urls.json',
    );
  });

  it('is what FileUrlStorage uses without a path', () => {
    assert.equal(new FileUrlStorage().path, defaultUrlStoragePath());
  });
});
