/**
 * The contract every `UploadStore` keeps (src/server/store/upload-store.ts), as one suite a
 * store's test file runs with its own harness: the S3 store today, the file store once it
 * sits behind the seam. Bytes are checked by reading them back (sha256 against the source),
 * and what the backend keeps is listed by the harness (`leftovers`), not asked of the store.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import { isTusStoreError } from '../../src/server/store/store-errors.js';
import type {
  AppendInput,
  ChunkChecksum,
  ConcatenatingStore,
  ReadableStore,
  UploadRecord,
} from '../../src/server/store/upload-store.js';

export interface StoreHarness {
  store: ConcatenatingStore & ReadableStore;
  /** The size in which the store commits bytes (an S3 part); tests cross it. */
  partSize: number;
  /** Every object, file or unfinished multipart upload the backend keeps for `id`. */
  leftovers(id: string): Promise<string[]>;
  /** What a finished upload keeps (e.g. its object and its record). */
  finishedLeftovers(id: string): string[];
  /** Arms a fault: after `skip` more writes of bytes to the backend, the next `count` fail. */
  failWrites?(skip: number, count: number): void;
  close(): Promise<void>;
}

export type OpenHarness = () => Promise<StoreHarness | { skip: string }>;

const KiB = 1024;
const MiB = 1024 * KiB;

/** `bytes` as a body of `piece`-sized chunks. */
export async function* bodyOf(bytes: Uint8Array, piece = 256 * KiB): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
}

/** `bytes`, then the client goes away. */
async function* cutOff(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* bodyOf(bytes);
  throw new Error('the client went away');
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sha1Claim(bytes: Uint8Array): ChunkChecksum {
  const digest = createHash('sha1').update(bytes).digest('base64');
  return { algorithms: ['sha1'], expected: () => ({ algorithm: 'sha1', digest }) };
}

async function storedSha256(store: ReadableStore, id: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await store.read(id)) hash.update(chunk);
  return hash.digest('hex');
}

function input(
  upload: UploadRecord,
  bytes: Uint8Array,
  more: Partial<AppendInput> = {},
): AppendInput {
  return {
    offset: upload.offset,
    body: bodyOf(bytes),
    limit: Number.POSITIVE_INFINITY,
    signal: new AbortController().signal,
    ...more,
  };
}

export function storeContract(name: string, open: OpenHarness): void {
  describe(`UploadStore contract: ${name}`, () => {
    let opened: StoreHarness | { skip: string } | undefined;
    const use = (t: TestContext): StoreHarness | undefined => {
      if (opened === undefined || 'skip' in opened) {
        t.skip(opened === undefined ? 'not started' : opened.skip);
        return undefined;
      }
      return opened;
    };
    before(async () => {
      opened = await open();
    });
    after(async () => {
      if (opened !== undefined && !('skip' in opened)) await opened.close();
    });

    it('create and get keep the record, protocolState included; unknown ids are undefined', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const made = await h.store.create({
        length: 10,
        metadata: 'filename dGVzdC5iaW4=',
        expiresAt: Date.now() + 60_000,
        protocolState: { ietf: { length: 10, wantReprDigest: ['sha256'] } },
      });
      assert.match(made.id, /^[0-9a-f]{32}$/);
      assert.equal(made.offset, 0);
      assert.deepEqual(await h.store.get(made.id), made);
      assert.equal(await h.store.get('0'.repeat(32)), undefined);
      assert.equal(await h.store.get('../etc/passwd'), undefined);
      await h.store.remove(made.id);
    });

    it('appends across part boundaries, sub-part tails included, and reads back the source', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const source = randomBytes(2 * h.partSize + 3 * MiB + 123);
      const sizes = [MiB + 7, h.partSize - 2 * MiB, h.partSize + 5, 100];
      let upload = await h.store.create({ length: source.length, metadata: '' });
      let at = 0;
      for (const size of [...sizes, source.length - sizes.reduce((a, b) => a + b, 0)]) {
        const result = await h.store.append(
          upload.id,
          input(upload, source.subarray(at, at + size)),
        );
        at += size;
        assert.equal(result.kept, size);
        assert.equal(result.upload.offset, at);
        assert.deepEqual(await h.store.get(upload.id), result.upload);
        upload = result.upload;
      }
      assert.equal(await storedSha256(h.store, upload.id), sha256(source));
      assert.deepEqual(
        (await h.leftovers(upload.id)).sort(),
        h.finishedLeftovers(upload.id).sort(),
      );
      await h.store.remove(upload.id);
      assert.deepEqual(await h.leftovers(upload.id), []);
    });

    it('a chunk whose checksum does not match keeps nothing, and the next one goes on', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const source = randomBytes(h.partSize + 2 * MiB);
      const first = await h.store.create({ length: source.length, metadata: '' });
      const head = await h.store.append(first.id, input(first, source.subarray(0, MiB)));
      const rest = source.subarray(MiB);
      const wrong = Buffer.from(rest);
      wrong[wrong.length - 1] = (wrong[wrong.length - 1] ?? 0) ^ 1;
      const refused = await h.store.append(
        first.id,
        input(head.upload, wrong, { checksum: sha1Claim(rest) }),
      );
      assert.equal(refused.checksum, 'mismatch');
      assert.equal(refused.kept, 0);
      assert.equal((await h.store.get(first.id))?.offset, MiB);
      const missing = await h.store.append(
        first.id,
        input(head.upload, rest, { checksum: { algorithms: ['sha1'], expected: () => undefined } }),
      );
      assert.equal(missing.checksum, 'missing');
      assert.equal((await h.store.get(first.id))?.offset, MiB);
      const cut = await h.store.append(first.id, {
        ...input(head.upload, rest, { checksum: sha1Claim(rest) }),
        body: cutOff(rest.subarray(0, h.partSize)),
      });
      assert.equal(cut.ended, false);
      assert.equal(cut.kept, 0);
      const kept = await h.store.append(
        first.id,
        input(head.upload, rest, { checksum: sha1Claim(rest) }),
      );
      assert.equal(kept.checksum, 'match');
      assert.equal(kept.upload.offset, source.length);
      assert.equal(await storedSha256(h.store, first.id), sha256(source));
      await h.store.remove(first.id);
      assert.deepEqual(await h.leftovers(first.id), []);
    });

    it('without a checksum, a body cut off keeps what arrived; over the limit keeps nothing', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const source = randomBytes(h.partSize + MiB);
      const upload = await h.store.create({ length: source.length, metadata: '' });
      const over = await h.store.append(upload.id, input(upload, source, { limit: MiB }));
      assert.equal(over.overflow, true);
      assert.equal((await h.store.get(upload.id))?.offset, 0);
      const cut = await h.store.append(upload.id, {
        ...input(upload, source),
        body: cutOff(source.subarray(0, 3 * MiB)),
      });
      assert.equal(cut.ended, false);
      assert.equal(cut.kept, 3 * MiB);
      const done = await h.store.append(upload.id, input(cut.upload, source.subarray(3 * MiB)));
      assert.equal(done.upload.offset, source.length);
      assert.equal(await storedSha256(h.store, upload.id), sha256(source));
      await h.store.remove(upload.id);
    });

    it('deferred length: bytes first, the length later (equal to the offset finishes it)', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const source = randomBytes(h.partSize + 300 * KiB);
      const a = await h.store.create({ length: undefined, metadata: '' });
      const head = await h.store.append(a.id, input(a, source.subarray(0, h.partSize + 100)));
      assert.equal(head.upload.length, undefined);
      const declared = await h.store.update(a.id, { length: source.length });
      assert.equal(declared.length, source.length);
      const done = await h.store.append(
        a.id,
        input(head.upload, source.subarray(h.partSize + 100)),
      );
      assert.equal(done.upload.offset, source.length);
      assert.equal(await storedSha256(h.store, a.id), sha256(source));

      const b = await h.store.create({ length: undefined, metadata: '' });
      const all = await h.store.append(b.id, input(b, source));
      const finished = await h.store.update(b.id, { length: all.upload.offset });
      assert.equal(finished.length, source.length);
      assert.equal(await storedSha256(h.store, b.id), sha256(source));
      await assert.rejects(h.store.update(b.id, { length: 1 }), isTusStoreError);
      assert.deepEqual((await h.leftovers(b.id)).sort(), h.finishedLeftovers(b.id).sort());
      await h.store.remove(a.id);
      await h.store.remove(b.id);
    });

    it('an empty upload is finished at creation and reads back empty', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const upload = await h.store.create({ length: 0, metadata: '' });
      assert.equal(await storedSha256(h.store, upload.id), sha256(new Uint8Array(0)));
      await h.store.remove(upload.id);
      assert.deepEqual(await h.leftovers(upload.id), []);
    });

    it('concatenates finished uploads, by whole parts and by small ones', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      for (const sizes of [
        [h.partSize, MiB],
        [100 * KiB, 3 * MiB, 0, h.partSize + 1],
      ]) {
        const sources = sizes.map((size) => randomBytes(size));
        const parts: { id: string; length: number }[] = [];
        for (const bytes of sources) {
          const part = await h.store.create({
            length: bytes.length,
            metadata: '',
            concat: { type: 'partial' },
          });
          if (bytes.length > 0) await h.store.append(part.id, input(part, bytes));
          parts.push({ id: part.id, length: bytes.length });
        }
        const total = sizes.reduce((a, b) => a + b, 0);
        const final = await h.store.create({
          length: total,
          metadata: '',
          concat: { type: 'final', parts: parts.map((part) => part.id) },
        });
        const done = await h.store.concatenate(final.id, parts, new AbortController().signal);
        assert.equal(done.offset, total);
        assert.equal(await storedSha256(h.store, final.id), sha256(Buffer.concat(sources)));
        for (const id of [final.id, ...parts.map((part) => part.id)]) {
          await h.store.remove(id);
          assert.deepEqual(await h.leftovers(id), []);
        }
      }
    });

    it('a part that is gone stops the concatenation with its id and leaves the final upload empty', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const gone = '1'.repeat(32);
      const final = await h.store.create({
        length: 10,
        metadata: '',
        concat: { type: 'final', parts: [gone] },
      });
      const error = await h.store
        .concatenate(final.id, [{ id: gone, length: 10 }], new AbortController().signal)
        .catch((e: unknown) => e);
      assert.ok(isTusStoreError(error));
      assert.equal(error.uploadId, gone);
      assert.equal((await h.store.get(final.id))?.offset, 0);
      await h.store.remove(final.id);
    });

    it('remove and expiry leave nothing of an unfinished upload', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      const source = randomBytes(h.partSize + MiB);
      const old = await h.store.create({
        length: 3 * h.partSize,
        metadata: '',
        expiresAt: Date.now() - 1000,
      });
      await h.store.append(old.id, input(old, source));
      const fresh = await h.store.create({
        length: 10,
        metadata: '',
        expiresAt: Date.now() + 60_000,
      });
      const expired = await h.store.expired(Date.now());
      assert.ok(expired.includes(old.id));
      assert.ok(!expired.includes(fresh.id));
      assert.notDeepEqual(await h.leftovers(old.id), []);
      await h.store.remove(old.id);
      assert.equal(await h.store.get(old.id), undefined);
      assert.deepEqual(await h.leftovers(old.id), []);
      await h.store.remove(old.id);
      await h.store.remove(fresh.id);
      assert.deepEqual(await h.leftovers(fresh.id), []);
    });

    it('a backend failure mid-append: a store error, the record never past the stored bytes, the retry completes it', async (t) => {
      const h = use(t);
      if (h === undefined) return;
      if (h.failWrites === undefined) {
        t.skip('this harness cannot inject write faults');
        return;
      }
      const source = randomBytes(3 * h.partSize + MiB);
      const upload = await h.store.create({ length: source.length, metadata: '' });
      const head = await h.store.append(upload.id, input(upload, source.subarray(0, 2 * MiB)));
      const rest = source.subarray(2 * MiB);
      // With a checksum: the first part fails, nothing of the chunk is kept.
      h.failWrites(0, 1);
      const checked = await h.store
        .append(upload.id, input(head.upload, rest, { checksum: sha1Claim(rest) }))
        .catch((e: unknown) => e);
      assert.ok(isTusStoreError(checked), String(checked));
      assert.equal(checked.operation, 'append');
      assert.equal((await h.store.get(upload.id))?.offset, 2 * MiB);
      // Without one: the second part fails; what was durably stored before it is kept.
      h.failWrites(1, 1);
      const error = await h.store
        .append(upload.id, input(head.upload, rest))
        .catch((e: unknown) => e);
      assert.ok(isTusStoreError(error), String(error));
      const now = await h.store.get(upload.id);
      assert.ok(now !== undefined);
      assert.ok(now.offset >= 2 * MiB && now.offset < source.length);
      const done = await h.store.append(upload.id, input(now, source.subarray(now.offset)));
      assert.equal(done.upload.offset, source.length);
      assert.equal(await storedSha256(h.store, upload.id), sha256(source));
      await h.store.remove(upload.id);
      assert.deepEqual(await h.leftovers(upload.id), []);
    });
  });
}
