/**
 * Issue 25.9: every Node input kind × `storeUrl` on/off × checksum on/off × fixed/auto chunk
 * size, each uploading a few MiB (past the fingerprint's 1 MiB block, not a multiple of the
 * chunk size) to our server, the stored bytes checked against the source. A `Blob` over
 * 1 MiB with `storeUrl` once failed before any request (the fingerprint reused a block a
 * BYOB read had detached). One server for the whole matrix; each case its own bytes.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { CallableFingerprint, InMemoryUrlStorage, TusClient } from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { bytes, MiB, sha256, sha256File, tempDir } from './fixtures.js';

/** Past the fingerprint's 1 MiB block, not a multiple of any chunk size here. */
const SIZE = 2 * MiB + 12_345;
const FIXED_CHUNK = 512 * 1024;

type Kind = 'file path' | 'Buffer' | 'Uint8Array' | 'Node Readable' | 'ReadableStream' | 'Blob';
const KINDS: Kind[] = [
  'file path',
  'Buffer',
  'Uint8Array',
  'Node Readable',
  'ReadableStream',
  'Blob',
];
const STREAMS = new Set<Kind>(['Node Readable', 'ReadableStream']);

/** A web stream of `data` in pieces of 100,000 bytes (copies: the input is not kept). */
function webStream(data: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + 100_000));
      at += 100_000;
    },
  });
}

describe('the input matrix (Node): every input kind × storeUrl × checksum × chunk sizing', {
  timeout: 300_000,
}, () => {
  let server: StartedOurServer;
  let temp: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    server = await startOurServer();
    temp = await tempDir();
  });
  after(async () => {
    await server.close();
    await temp.cleanup();
  });

  let seed = 1;
  for (const kind of KINDS) {
    for (const storeUrl of [false, true]) {
      for (const checksum of [false, 'sha256'] as const) {
        for (const chunkSize of [FIXED_CHUNK, 'auto'] as const) {
          const name = `${kind}, storeUrl ${storeUrl ? 'on' : 'off'}, checksum ${checksum || 'off'}, chunks ${chunkSize === 'auto' ? 'auto' : 'fixed'}`;
          const caseSeed = seed++;
          it(name, async () => {
            const data = bytes(SIZE, caseSeed);
            const storage = new InMemoryUrlStorage();
            const client = new TusClient(server.endpoint, {
              chunkSize,
              checksum,
              storeUrl,
              urlStorage: storage,
              retryDelay: 10,
              // A stream has no fingerprint of its own: its user names it (url-store.ts).
              ...(storeUrl && STREAMS.has(kind)
                ? { fingerprinter: new CallableFingerprint(() => `stream-${caseSeed}`) }
                : {}),
            });
            try {
              const source =
                kind === 'file path'
                  ? { filePath: await temp.file(`matrix-${caseSeed}.bin`, data) }
                  : {
                      input:
                        kind === 'Buffer'
                          ? Buffer.from(data)
                          : kind === 'Uint8Array'
                            ? data
                            : kind === 'Node Readable'
                              ? Readable.from([
                                  Buffer.from(data.subarray(0, 70_000)),
                                  Buffer.from(data.subarray(70_000)),
                                ])
                              : kind === 'ReadableStream'
                                ? webStream(data)
                                : new Blob([data]),
                    };
              let fingerprinted: string | undefined;
              const url = await client.uploadFile({
                ...source,
                onUploadUrlAvailable: async () => {
                  fingerprinted = (await storage.list())[0]?.uploadUrl;
                },
              });
              assert.equal(await sha256File(server.dataPath(url)), sha256(data), 'bytes stored');
              const info = await client.getUploadInfo(url);
              assert.deepEqual([info.offset, info.length, info.complete], [SIZE, SIZE, true]);
              // With storeUrl the URL was stored (by the time it was announced), else not.
              assert.equal(fingerprinted, storeUrl ? url : undefined);
            } finally {
              await client.close();
            }
          });
        }
      }
    }
  }
});
