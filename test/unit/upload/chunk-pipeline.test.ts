import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ChecksumProvider } from '../../../src/checksum/checksum-provider.js';
import { nodeChecksum } from '../../../src/checksum/node-checksum.node.js';
import { TusInputError } from '../../../src/errors/index.js';
import { BufferSource } from '../../../src/sources/buffer-source.js';
import { FileSource } from '../../../src/sources/file-source.node.js';
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
    assert.deepEqual([...(second.body as Uint8Array)], [...bytes.subarray(40, 80)]);
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
    assert.deepEqual([...(chunk.body as Uint8Array)], [...bytes.subarray(25, 65)]);
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

  it('a file is read into two reused buffers, and every chunk still has its own bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-'));
    try {
      const content = randomBytes(10 * 1000 + 7);
      await writeFile(join(dir, 'f'), content);
      const source = await FileSource.open(join(dir, 'f'));
      const pipeline = new ChunkPipeline(source, nodeChecksum, 'sha256');
      const memory = new Set<ArrayBufferLike>();
      for (let start = 0; start < content.length; start += 1000) {
        const length = Math.min(1000, content.length - start);
        const chunk = await pipeline.take(start, length);
        pipeline.prefetch(start + length, Math.min(1000, content.length - start - length));
        assert.deepEqual(
          Buffer.from(chunk.body as Uint8Array),
          content.subarray(start, start + length),
        );
        assert.equal(
          chunk.digest,
          createHash('sha256')
            .update(content.subarray(start, start + length))
            .digest('base64'),
        );
        memory.add((chunk.body as Uint8Array).buffer);
      }
      assert.equal(memory.size, 2, 'eleven chunks, two buffers');
      await source.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a prefetch dropped mid-read does not hand its buffer out before the read ends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-'));
    try {
      const content = randomBytes(4000);
      await writeFile(join(dir, 'f'), content);
      const source = await FileSource.open(join(dir, 'f'));
      const pipeline = new ChunkPipeline(source, nodeChecksum, undefined);
      await pipeline.take(0, 1000);
      pipeline.prefetch(1000, 1000);
      // The server said 500, not 1000: the chunk prepared ahead is not the one wanted.
      const again = await pipeline.take(500, 1000);
      assert.deepEqual(Buffer.from(again.body as Uint8Array), content.subarray(500, 1500));
      // A chunk's bytes are valid until the next take (the uploader sends one at a time).
      const next = await pipeline.take(1500, 1000);
      assert.deepEqual(Buffer.from(next.body as Uint8Array), content.subarray(1500, 2500));
      await source.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
