/** uploadDataDuringCreation against our server and @tus/server (both offer creation-with-upload). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { startOurServer } from '../../helpers/our-server.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, KiB, MiB, sha256, sha256File, tempDir } from '../client/fixtures.js';

describe('uploadDataDuringCreation', () => {
  const servers: Record<string, StartedTusServer> = {};
  let temp: Awaited<ReturnType<typeof tempDir>>;
  const data = bytes(3 * MiB + 11, 77);

  before(async () => {
    servers.ours = await startOurServer({ fsync: false });
    servers['@tus/server'] = await startTusNodeServer();
    temp = await tempDir();
  });
  after(async () => {
    for (const server of Object.values(servers)) await server.close();
    await temp.cleanup();
  });

  for (const name of ['ours', '@tus/server']) {
    it(`${name}: the first chunk goes in the POST, the stored bytes equal the input`, async () => {
      const server = servers[name]!;
      const path = await temp.file(`c-${name.replace('/', '_')}.bin`, data);
      const log: string[] = [];
      const client = new TusClient(server.endpoint, {
        chunkSize: MiB,
        uploadDataDuringCreation: true,
        beforeRequest: (method, _url, headers) => {
          if (method !== 'OPTIONS') log.push(`${method} ${headers['Upload-Offset'] ?? '-'}`);
        },
      });
      try {
        const url = await client.uploadFile({ filePath: path });
        assert.equal(await sha256File(server.dataPath(url)), sha256(data));
        assert.deepEqual(log, ['POST -', `PATCH ${MiB}`, `PATCH ${2 * MiB}`, `PATCH ${3 * MiB}`]);
      } finally {
        await client.close();
      }
    });

    it(`${name}: a small stream of unknown size is one POST`, async () => {
      const server = servers[name]!;
      const small = data.subarray(0, 100 * KiB);
      let requests = 0;
      const client = new TusClient(server.endpoint, {
        uploadDataDuringCreation: true,
        beforeRequest: (method) => {
          if (method !== 'OPTIONS') requests++;
        },
      });
      try {
        const url = await client.uploadFile({ input: new Blob([small]).stream() });
        assert.equal(await sha256File(server.dataPath(url)), sha256(small));
        assert.equal(requests, 1);
        assert.equal((await client.getUploadInfo(url)).complete, true);
      } finally {
        await client.close();
      }
    });
  }
});
