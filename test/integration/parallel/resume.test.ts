/**
 * parallelUploads with storeUrl against our server: an interrupted parallel upload is
 * resumed partial by partial by the next `uploadFile` of the same input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InMemoryUrlStorage, TusAbortError, TusClient } from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { bytes, KiB, MiB, sha256, sha256File, tempDir } from '../client/fixtures.js';

describe('parallelUploads with storeUrl (our server)', () => {
  let server: StartedOurServer;
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let path: string;
  let hash: string;
  const SIZE = 6 * MiB + 7;

  before(async () => {
    server = await startOurServer({ fsync: false });
    temp = await tempDir();
    const data = bytes(SIZE, 61);
    hash = sha256(data);
    path = await temp.file('six.bin', data);
  });
  after(async () => {
    await server.close();
    await temp.cleanup();
  });

  /** A client that logs `POST partial` and the offset of every PATCH. */
  function client(storage: InMemoryUrlStorage, log: string[], onPatch?: () => void) {
    return new TusClient(server.endpoint, {
      chunkSize: 256 * KiB,
      storeUrl: true,
      urlStorage: storage,
      beforeRequest: (method, url, headers) => {
        if (method === 'POST') log.push(`POST ${headers['Upload-Concat'] ?? ''}`);
        if (method === 'PATCH') {
          log.push(`PATCH ${new URL(url).pathname} ${headers['Upload-Offset']}`);
          onPatch?.();
        }
      },
    });
  }

  it('an aborted parallel upload stores its partials; the next uploadFile resumes each of them', async () => {
    const storage = new InMemoryUrlStorage();
    const first: string[] = [];
    const controller = new AbortController();
    let patches = 0;
    const one = client(storage, first, () => {
      if (++patches === 7) controller.abort(new Error('interrupted'));
    });
    try {
      await assert.rejects(
        one.uploadFile({ filePath: path, parallelUploads: 3, signal: controller.signal }),
        TusAbortError,
      );
    } finally {
      await one.close();
    }
    const entries = await storage.list();
    assert.equal(entries.length, 3);
    for (const entry of entries) {
      assert.match(entry.fingerprint, /#parallel:[123]\/3:\d+-\d+$/);
      assert.equal(entry.endpoint, server.endpoint, 'each partial keeps its endpoint');
    }

    const second: string[] = [];
    const two = client(storage, second);
    try {
      const url = await two.uploadFile({
        filePath: path,
        parallelUploads: 3,
        metadata: { filename: 'six.bin' },
      });
      assert.equal(await sha256File(server.dataPath(url)), hash);
      // No partial was created again, and the first PATCH of some partial starts past 0.
      const posts = second.filter((line) => line.startsWith('POST'));
      assert.equal(posts.length, 1, posts.join('\n'));
      assert.match(posts[0] ?? '', /^POST final;/);
      const firstOffsets = new Map<string, string>();
      for (const line of second.filter((l) => l.startsWith('PATCH'))) {
        const [, upload, offset] = line.split(' ');
        if (upload !== undefined && offset !== undefined && !firstOffsets.has(upload)) {
          firstOffsets.set(upload, offset);
        }
      }
      assert.ok(
        [...firstOffsets.values()].some((offset) => offset !== '0'),
        second.join('\n'),
      );
      // Done: the partials' entries are gone (removeFingerprintOnSuccess).
      assert.deepEqual(await storage.list(), []);
    } finally {
      await two.close();
    }
  });

  it('a stored partial the server no longer has is created again; the others resume', async () => {
    const storage = new InMemoryUrlStorage();
    const controller = new AbortController();
    let patches = 0;
    const one = client(storage, [], () => {
      if (++patches === 9) controller.abort(new Error('interrupted'));
    });
    try {
      await assert.rejects(
        one.uploadFile({ filePath: path, parallelUploads: 2, signal: controller.signal }),
        TusAbortError,
      );
      const [gone] = await storage.list();
      assert.ok(gone);
      await one.deleteUpload(gone.uploadUrl);
    } finally {
      await one.close();
    }
    const log: string[] = [];
    const two = client(storage, log);
    try {
      const url = await two.uploadFile({ filePath: path, parallelUploads: 2 });
      assert.equal(await sha256File(server.dataPath(url)), hash);
      assert.equal(log.filter((line) => line === 'POST partial').length, 1);
    } finally {
      await two.close();
    }
  });
});
