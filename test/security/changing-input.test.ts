/**
 * Issue 16.3: a file that changes under the upload is a `TusInputError`, before bytes of
 * the new version reach the server: between chunks (size and modification time checked
 * after every read), and when a stored upload would be resumed.
 */
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import {
  CallableFingerprint,
  InMemoryUrlStorage,
  TusClient,
  TusInputError,
} from '../../src/index.node.js';
import type { StartedTusServer } from '../helpers/tus-node-server.js';
import { bytes, KiB, sha256, sha256File, tempDir } from '../integration/client/fixtures.js';
import { type Front, startFront } from './helpers/front.js';
import { REAL_SERVERS } from './helpers/servers.js';

const SIZE = 1024 * KiB;
const CHUNK = 128 * KiB;
/** An hour ago: a later write moves the modification time whatever the clock's grain. */
const AN_HOUR_AGO = new Date(Date.now() - 3_600_000);

/** Changes made synchronously inside onProgress, so they land before the next read. */
const CHANGES: { what: string; change: (path: string) => void }[] = [
  {
    what: 'truncated and rewritten with other bytes of the same size',
    change: (path) => writeFileSync(path, bytes(SIZE, 99)),
  },
  { what: 'grown (appended to)', change: (path) => appendFileSync(path, bytes(64 * KiB, 98)) },
  {
    what: 'truncated and rewritten shorter',
    change: (path) => writeFileSync(path, bytes(300 * KiB, 97)),
  },
];

for (const real of REAL_SERVERS) {
  describe(`a file that changes under the upload (${real.name})`, { timeout: 60_000 }, () => {
    let server: StartedTusServer;
    let front: Front;
    let dir: Awaited<ReturnType<typeof tempDir>>;

    before(async () => {
      server = await real.start();
      front = await startFront({ target: new URL(server.endpoint).origin });
      dir = await tempDir();
    });
    after(async () => {
      await front?.close();
      await server?.close();
      await dir?.cleanup();
    });

    /** A client that stores URLs under a fingerprint not covering the content (a path, as many apps use). */
    const storingClient = (path: string) => {
      const storage = new InMemoryUrlStorage();
      const client = new TusClient(`${front.origin}/files`, {
        chunkSize: CHUNK,
        storeUrl: true,
        urlStorage: storage,
        fingerprinter: new CallableFingerprint(() => `path:${path}`),
      });
      return { storage, client };
    };

    const writeOld = async (name: string) => {
      const old = bytes(SIZE, 7);
      const path = await dir.file(name, old);
      await utimes(path, AN_HOUR_AGO, AN_HOUR_AGO);
      return { path, old };
    };

    for (const [index, { what, change }] of CHANGES.entries()) {
      it(`${what} after the first chunk: a TusInputError, and the server holds only old bytes`, async () => {
        const { path, old } = await writeOld(`changing-${index}.bin`);
        const client = new TusClient(`${front.origin}/files`, { chunkSize: CHUNK });
        let uploadUrl: string | undefined;
        let changed = false;
        try {
          await assert.rejects(
            client.uploadFile({
              filePath: path,
              onUploadUrlAvailable: (url) => {
                uploadUrl = url;
              },
              onProgress: (stats) => {
                if (changed || stats.bytesUploaded < CHUNK) return;
                changed = true;
                change(path);
              },
            }),
            (error) => {
              assert.ok(error instanceof TusInputError, String(error));
              assert.equal(error.code, 'TUS_ERR_INPUT');
              assert.match(error.message, /changed while it was being uploaded/);
              assert.ok(error.message.includes(path), error.message);
              return true;
            },
          );
          assert.ok(changed);
          const info = await client.getUploadInfo(uploadUrl!);
          assert.ok(info.offset >= CHUNK && info.offset < SIZE, `offset ${info.offset}`);
          const stored = await readFile(server.dataPath(uploadUrl!));
          assert.equal(stored.byteLength, info.offset);
          assert.equal(
            sha256(stored),
            sha256(old.subarray(0, info.offset)),
            'a prefix of the old file',
          );
        } finally {
          await client.close();
        }
      });
    }

    it('a stored upload of a file modified since it began is not resumed: TusInputError before any request, then a fresh upload', async () => {
      const { path } = await writeOld('stored.bin');
      const { storage, client } = storingClient(path);
      try {
        await client.uploadFile({ filePath: path, stopAt: 2 * CHUNK });
        assert.equal((await storage.list()).length, 1);
        const changed = bytes(SIZE, 55);
        await writeFile(path, changed);
        // The write is later than the creation whatever the clock's grain: said outright.
        const later = new Date(Date.now() + 2000);
        await utimes(path, later, later);
        front.requests.length = 0;
        await assert.rejects(client.uploadFile({ filePath: path }), (error) => {
          assert.ok(error instanceof TusInputError, String(error));
          assert.match(error.message, /changed after its stored upload began/);
          return true;
        });
        assert.deepEqual(
          front.requests.map((r) => r.method),
          [],
          'no request before the refusal',
        );
        assert.deepEqual(await storage.list(), [], 'the stale entry is forgotten');
        const url = await client.uploadFile({ filePath: path });
        assert.equal(await sha256File(server.dataPath(url)), sha256(changed));
      } finally {
        await client.close();
      }
    });

    it('an unchanged file resumes from storage as before', async () => {
      const { path, old } = await writeOld('unchanged.bin');
      const { client } = storingClient(path);
      try {
        const first = await client.uploadFile({ filePath: path, stopAt: 2 * CHUNK });
        const url = await client.uploadFile({ filePath: path });
        assert.equal(url, first, 'resumed, not created anew');
        assert.equal(await sha256File(server.dataPath(url)), sha256(old));
      } finally {
        await client.close();
      }
    });
  });
}
