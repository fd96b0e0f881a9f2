/** The `UrlStorage` contract, run against every implementation. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileUrlStorage } from '../../../src/storage/file-url-storage.node.js';
import { InMemoryUrlStorage } from '../../../src/storage/in-memory-url-storage.js';
import type { UrlStorage, UrlStorageEntry } from '../../../src/storage/url-storage.js';
import {
  type WebStorageLike,
  WebStorageUrlStorage,
} from '../../../src/storage/web-storage-url-storage.browser.js';

/** A Map-backed stand-in for `localStorage`. */
export class FakeWebStorage implements WebStorageLike {
  readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const entry = (n: number, extra: Partial<UrlStorageEntry> = {}): UrlStorageEntry => ({
  uploadUrl: `http://127.0.0.1:1080/files/${n}`,
  size: 1000 + n,
  createdAt: `2025-01-0${n}T00:00:00.000Z`,
  metadata: { filename: `f${n}.bin` },
  ...extra,
});

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'url-storage-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const implementations: Array<[string, () => UrlStorage]> = [
  ['InMemoryUrlStorage', () => new InMemoryUrlStorage()],
  [
    'FileUrlStorage',
    () => new FileUrlStorage({ path: join(dir, `s-${Math.random()}`, 'urls.json') }),
  ],
  ['WebStorageUrlStorage', () => new WebStorageUrlStorage({ storage: new FakeWebStorage() })],
];

for (const [name, make] of implementations) {
  describe(`${name} (UrlStorage contract)`, () => {
    it('get on an empty store is undefined; list is empty', async () => {
      const storage = make();
      assert.equal(await storage.get('size:1--sha256:00'), undefined);
      assert.deepEqual(await storage.list(), []);
    });

    it('set then get returns the entry (url, size, createdAt, metadata)', async () => {
      const storage = make();
      await storage.set('fp-1', entry(1));
      assert.deepEqual(await storage.get('fp-1'), entry(1));
    });

    it('set replaces; remove removes only that key; removing a missing key is fine', async () => {
      const storage = make();
      await storage.set('fp-1', entry(1));
      await storage.set('fp-2', entry(2));
      await storage.set('fp-1', entry(3));
      assert.equal((await storage.get('fp-1'))?.uploadUrl, entry(3).uploadUrl);
      await storage.remove('fp-1');
      await storage.remove('fp-missing');
      assert.equal(await storage.get('fp-1'), undefined);
      assert.deepEqual(await storage.list(), [{ fingerprint: 'fp-2', ...entry(2) }]);
    });

    it('an unknown size survives the round trip as undefined', async () => {
      const storage = make();
      await storage.set('fp-stream', entry(4, { size: undefined }));
      assert.equal((await storage.get('fp-stream'))?.size, undefined);
    });

    it('the endpoint an upload was created at survives the round trip; an old entry has none', async () => {
      const storage = make();
      await storage.set('with', entry(1, { endpoint: 'http://127.0.0.1:1080/files/' }));
      await storage.set('old', entry(2));
      assert.equal((await storage.get('with'))?.endpoint, 'http://127.0.0.1:1080/files/');
      assert.equal((await storage.get('old'))?.endpoint, undefined);
      assert.ok(!('endpoint' in ((await storage.get('old')) ?? {})), 'no endpoint key at all');
      const listed = await storage.list();
      assert.equal(
        listed.find((e) => e.fingerprint === 'with')?.endpoint,
        'http://127.0.0.1:1080/files/',
      );
    });

    it('returns copies: changing a result does not change the store', async () => {
      const storage = make();
      await storage.set('fp-1', entry(1));
      const got = await storage.get('fp-1');
      assert.ok(got);
      got.metadata.filename = 'changed';
      assert.equal((await storage.get('fp-1'))?.metadata.filename, 'f1.bin');
    });

    it('odd fingerprints are keys like any other (even __proto__)', async () => {
      const storage = make();
      await storage.set('__proto__', entry(5));
      await storage.set('size:3--md5:900150983cd24fb0d6963f7d28e17f72', entry(6));
      assert.equal((await storage.get('__proto__'))?.uploadUrl, entry(5).uploadUrl);
      assert.equal((await storage.list()).length, 2);
    });

    it('rejects an empty fingerprint and an entry without uploadUrl', async () => {
      const storage = make();
      await assert.rejects(storage.set('', entry(1)), TypeError);
      await assert.rejects(storage.get(''), TypeError);
      await assert.rejects(storage.set('fp', { ...entry(1), uploadUrl: '' }), TypeError);
    });
  });
}

describe('WebStorageUrlStorage specifics', () => {
  it('keeps entries under its prefix and ignores other keys', async () => {
    const fake = new FakeWebStorage();
    fake.setItem('unrelated', 'x');
    fake.setItem('resumable-upload::broken', '{not json');
    const storage = new WebStorageUrlStorage({ storage: fake });
    await storage.set('fp-1', entry(1));
    assert.ok(fake.items.has('resumable-upload::fp-1'));
    assert.deepEqual(
      (await storage.list()).map((e) => e.fingerprint),
      ['fp-1'],
      'the unparsable entry and the foreign key are skipped',
    );
    assert.equal(fake.getItem('unrelated'), 'x');
  });

  it('a full storage is a TusStorageError naming the cause', async () => {
    const full = new FakeWebStorage();
    full.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const storage = new WebStorageUrlStorage({ storage: full });
    await assert.rejects(storage.set('fp', entry(1)), {
      code: 'TUS_ERR_STORAGE',
      message: /QuotaExceededError/,
    });
  });

  it('without localStorage (Node) it says what to use instead', async () => {
    const storage = new WebStorageUrlStorage();
    if ((globalThis as { localStorage?: unknown }).localStorage !== undefined) return;
    await assert.rejects(storage.get('fp'), {
      code: 'TUS_ERR_STORAGE',
      message: /InMemoryUrlStorage/,
    });
  });
});
