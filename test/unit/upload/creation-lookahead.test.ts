/**
 * Hashing after the first chunk while the upload is created (creation-lookahead.ts): the
 * pipeline it hands over keeps hashing for the second chunk, a wrong guess is dropped, and
 * uploads come out byte for byte with the algorithm the server actually offered.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ChecksumProvider } from '../../../src/checksum/checksum-provider.js';
import { nodeChecksum } from '../../../src/checksum/node-checksum.node.js';
import { BufferSource } from '../../../src/sources/buffer-source.js';
import type { UploadSource } from '../../../src/sources/upload-source.js';
import { FIRST_CHUNK } from '../../../src/upload/chunk-sizing.js';
import { CreationLookahead } from '../../../src/upload/creation-lookahead.js';
import type { ServerFacts } from '../../../src/upload/server-extensions.js';
import { FakeTransport, fakeClient, memoryTus } from '../../helpers/fake-transport.js';

const MiB = 1024 * 1024;
const data = Uint8Array.from({ length: 6 * MiB + 333 }, (_, i) => (i * 131 + (i >> 12)) & 0xff);
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('base64');

/** A source that records the reads starting at or after `from`. */
function counting(
  bytes: Uint8Array,
  from: number,
): UploadSource & { readsAfter: () => number; log: string[] } {
  const inner = new BufferSource(bytes);
  const log: string[] = [];
  return {
    size: inner.size,
    seekable: true,
    log,
    readsAfter: () => log.length,
    read(offset, length) {
      if (offset >= from) log.push(`${offset}+${length}`);
      return inner.read(offset, length);
    },
    close: () => inner.close(),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** What the lookahead reads of an uploader's context: `checksum: true`, 64 MiB chunks at most. */
function facts(checksum: ChecksumProvider = nodeChecksum, wanted: boolean | 'md5' = true) {
  return {
    endpoint: 'http://tus.test/files',
    checksum,
    options: { checksum: wanted, maxChunkSize: 64 * MiB },
    protocol: { checksumAlgorithms: undefined },
    serverInfo: () => Promise.reject(new Error('no request is made')),
  } as unknown as ServerFacts;
}

function lookahead(source: UploadSource, checksum: ChecksumProvider = nodeChecksum) {
  return CreationLookahead.start({
    ctx: facts(checksum),
    source,
    chunkSize: 'auto',
    target: data.length,
  });
}

describe('CreationLookahead', () => {
  it('claimed for its algorithm: the first chunk is taken and the hashing goes on for the second', async () => {
    const source = counting(data, FIRST_CHUNK);
    const pipeline = lookahead(source)!.claim('sha1');
    assert.ok(pipeline !== undefined);
    await settle();
    const hashedEarly = pipeline.forwardHashed(FIRST_CHUNK);
    assert.ok(hashedEarly !== undefined && hashedEarly >= 4 * MiB, `hashed ${hashedEarly}`);
    const first = await pipeline.take(0, FIRST_CHUNK);
    assert.equal(first.digest, sha1(data.subarray(0, FIRST_CHUNK)));
    // The uploader asks to hash forward from there again: the running digest is kept.
    const readsBefore = source.readsAfter();
    pipeline.prefetchForward(FIRST_CHUNK, data.length);
    assert.equal(pipeline.forwardHashed(FIRST_CHUNK), hashedEarly);
    const length = 3 * MiB + 17;
    const second = await pipeline.take(FIRST_CHUNK, length);
    assert.equal(second.digest, sha1(data.subarray(FIRST_CHUNK, FIRST_CHUNK + length)));
    // The body is read to be sent; for the digest, whole pieces came from the hashing
    // ahead: only the odd 17 bytes after them were read again.
    assert.deepEqual(
      new Set(source.log.slice(readsBefore)),
      new Set([`${FIRST_CHUNK}+${length}`, `${FIRST_CHUNK + 3 * MiB}+17`]),
    );
  });

  it('a wrong guess is dropped: no pipeline, and the hashing stops', async () => {
    const source = counting(data, FIRST_CHUNK);
    const early = lookahead(source)!;
    assert.equal(early.claim('sha256'), undefined);
    const reads = source.readsAfter();
    await settle();
    assert.ok(source.readsAfter() <= reads + 1, `${source.readsAfter()} reads after ${reads}`);
  });

  it('waits for the algorithm to be ready; a claim before that starts it', async () => {
    let ready: () => void = () => {};
    const slow: ChecksumProvider = {
      ...nodeChecksum,
      prepare: () => new Promise<void>((resolve) => (ready = resolve)),
    };
    const source = counting(data, FIRST_CHUNK);
    const early = lookahead(source, slow)!;
    await settle();
    assert.equal(source.readsAfter(), 0, 'nothing hashed before the algorithm is ready');
    const pipeline = early.claim('sha1')!;
    await settle();
    assert.ok((pipeline.forwardHashed(FIRST_CHUNK) ?? 0) > 0);
    ready();
  });

  it('nothing to hash ahead: one chunk only, a fixed size, no checksum, or an input that cannot go back', () => {
    const start = (
      source: UploadSource,
      target: number,
      chunkSize: number | 'auto' = 'auto',
      ctx = facts(),
    ) => CreationLookahead.start({ ctx, source, chunkSize, target });
    const source = new BufferSource(data);
    assert.equal(start(source, FIRST_CHUNK), undefined);
    assert.equal(start(source, data.length, 4 * MiB), undefined);
    assert.equal(start(source, data.length, 'auto', facts(nodeChecksum, false)), undefined);
    assert.equal(start({ ...counting(data, 0), seekable: false }, data.length), undefined);
    assert.ok(start(source, data.length, 'auto', facts(nodeChecksum, 'md5')) !== undefined);
  });

  for (const offered of [['sha1'], ['sha256', 'md5']]) {
    it(`an upload at the defaults, server offering ${offered.join(', ')}: every chunk's checksum verified, bytes equal`, async () => {
      const tus = memoryTus({ checksums: offered });
      const transport = new FakeTransport(tus.handler);
      const uploader = fakeClient(transport).createUploader({ input: data });
      const url = await uploader.upload();
      assert.equal(uploader.stats.checksumAlgorithm, offered[0]);
      const stored = Uint8Array.from(tus.uploads.get(new URL(url).pathname)?.data ?? []);
      assert.equal(sha1(stored), sha1(data));
      const patches = transport.requests.filter((r) => r.method === 'PATCH');
      assert.ok(patches.length >= 2, 'the first chunk, then the rest');
      assert.equal(patches[0]?.body?.byteLength, FIRST_CHUNK);
      for (const patch of patches) {
        assert.match(patch.headers['Upload-Checksum'] ?? '', new RegExp(`^${offered[0]} `));
      }
    });
  }
});
