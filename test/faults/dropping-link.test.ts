/**
 * Issue 26: a link that cuts every connection after 4 MiB (a proxy, a NAT, a handover).
 * At default options (auto chunks, sha1 checked by the server, so a cut chunk is lost
 * whole) the upload must complete, as tus-js-client's does, and the server must hold the
 * source's bytes. Our server behind a byte-counting cutter; bounded in bytes and time.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TusClient, type UploadStats } from '../../src/index.node.js';
import { CutProxy } from '../helpers/cut-proxy.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';

const MiB = 1024 * 1024;
const SIZE = 32 * MiB;

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('issue 26: a link that drops every connection after 4 MiB', () => {
  let server: StartedOurServer;
  let proxy: CutProxy;
  let endpoint: string;
  before(async () => {
    server = await startOurServer();
    proxy = new CutProxy({
      targetPort: Number(new URL(server.endpoint).port),
      cutAfterBytes: 4 * MiB,
    });
    const port = await proxy.start();
    const url = new URL(server.endpoint);
    url.port = String(port);
    endpoint = url.href;
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });

  it('completes at default options with checksums, and the stored bytes are the source', {
    timeout: 60_000,
  }, async () => {
    const data = randomBytes(SIZE);
    const client = new TusClient(endpoint);
    let stats: UploadStats | undefined;
    try {
      const url = await client.uploadFile({
        input: data,
        onProgress: (snapshot) => {
          stats = snapshot;
        },
      });
      assert.equal(stats?.checksumAlgorithm, 'sha1', 'the server checks each chunk');
      const stored = await readFile(server.dataPath(url));
      assert.equal(stored.byteLength, SIZE);
      assert.equal(sha256(stored), sha256(data));
    } finally {
      await client.close();
    }
    assert.ok(proxy.counters.cuts >= 4, `the link dropped ${proxy.counters.cuts} times`);
    // Bounded waste: the drops cost some chunks, never the file again and again.
    const sent = proxy.counters.bytesUp / SIZE;
    assert.ok(sent < 2, `sent ${sent.toFixed(2)}× the file`);
  });
});
