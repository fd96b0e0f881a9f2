import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ChecksumProvider } from '../../../src/checksum/checksum-provider.js';
import { nodeChecksum } from '../../../src/checksum/node-checksum.node.js';
import { TusInputError } from '../../../src/errors/index.js';
import { BufferSource } from '../../../src/sources/buffer-source.js';
import type { UploadSource } from '../../../src/sources/upload-source.js';
import { ChunkPipeline } from '../../../src/upload/chunk-pipeline.js';

/** A source that records every read. */
function recording(bytes: Uint8Array, seekable = true): UploadSource & { reads: string[] } {
  const inner = new BufferSource(bytes);
  const reads: string[] = [];
  return {
    reads,
    size: inner.size,
    seekable,
    read(offset, length) {
      reads.push(`${offset}+${length}`);
      return inner.read(offset, length);
    },
    close: () => inner.close(),
  };
}

const bytes = new Uint8Array(100).map((_, i) => i);
const sha1 = (data: Uint8Array) => createHash('sha1').update(data).digest('base64');

describe('ChunkPipeline', () => {
  it('hands out the chunk prepared ahead without reading it again', async () => {
    const source = recording(bytes);
    const pipeline = new ChunkPipeline(source, nodeChecksum, 'sha1');
    const first = await pipeline.take(0, 40);
    pipeline.prefetch(40, 40);
    assert.deepEqual(source.reads, ['0+40', '40+40']);
    const second = await pipeline.take(40, 40);
    assert.deepEqual(source.reads, ['0+40', '40+40']);
    assert.deepEqual([...second.data], [...bytes.subarray(40, 80)]);
    assert.equal(second.digest, sha1(bytes.subarray(40, 80)));
    assert.equal(first.digest, sha1(bytes.subarray(0, 40)));
  });

  it('reads afresh when the server asks for another offset than the one prepared', async () => {
    const source = recording(bytes);
    const pipeline = new ChunkPipeline(source, nodeChecksum, undefined);
    pipeline.prefetch(40, 40);
    const chunk = await pipeline.take(25, 40);
    assert.deepEqual(source.reads, ['40+40', '25+40']);
    assert.equal(chunk.start, 25);
    assert.equal(chunk.digest, undefined);
    assert.deepEqual([...chunk.data], [...bytes.subarray(25, 65)]);
  });

  it('never reads ahead of a forward-only source', async () => {
    const source = recording(bytes, false);
    const pipeline = new ChunkPipeline(source, nodeChecksum, 'sha1');
    pipeline.prefetch(40, 40);
    assert.deepEqual(source.reads, []);
  });

  it('a failed read ahead surfaces only when that chunk is taken', async () => {
    const failing: UploadSource = {
      size: 100,
      seekable: true,
      read: async () => {
        throw new TusInputError('disk gone');
      },
      close: async () => {},
    };
    const pipeline = new ChunkPipeline(failing, nodeChecksum, undefined);
    pipeline.prefetch(0, 10);
    pipeline.discard();
    pipeline.prefetch(10, 10);
    await assert.rejects(pipeline.take(10, 10), /disk gone/);
  });

  it('a short read is a TusInputError, not a short PATCH', async () => {
    const checksum: ChecksumProvider = { supports: () => true, digest: async () => 'x' };
    const pipeline = new ChunkPipeline(new BufferSource(bytes), checksum, 'sha1');
    await assert.rejects(pipeline.take(90, 20), TusInputError);
  });
});
