/** Checksums: explicit algorithms, fallback without the extension, 460 from a damaged chunk. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { after, before, describe, it } from 'node:test';
import {
  type ChecksumAlgorithm,
  TusChecksumUnsupportedError,
  TusClient,
} from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { flipMiddleByte, startTamperProxy } from '../../helpers/tamper-proxy.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, KiB, sha256, sha256File } from './fixtures.js';

describe('checksum against @tus/server (no checksum extension)', () => {
  let server: StartedTusServer;
  before(async () => {
    server = await startTusNodeServer();
  });
  after(() => server.close());

  it('an explicit sha256 fails with a typed error before any POST or PATCH', async () => {
    const methods: string[] = [];
    const client = new TusClient(server.endpoint, {
      checksum: 'sha256',
      beforeRequest: (method) => {
        methods.push(method);
      },
    });
    try {
      const error = await client.uploadFile({ input: bytes(1000) }).then(
        () => assert.fail('expected an error'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TusChecksumUnsupportedError);
      assert.equal(error.code, 'TUS_ERR_CHECKSUM_UNSUPPORTED');
      assert.equal(error.algorithm, 'sha256');
      assert.deepEqual(error.offered, []);
      assert.match(error.message, /sha256.*no checksum extension/);
      assert.deepEqual(methods, ['OPTIONS']);
    } finally {
      await client.close();
    }
  });

  it('checksum: true uploads without one and says so in stats', async () => {
    const client = new TusClient(server.endpoint, { checksum: true, chunkSize: 4 * KiB });
    try {
      const data = bytes(10 * KiB, 2);
      const uploader = client.createUploader({ input: data });
      const url = await uploader.upload();
      assert.equal(uploader.stats.checksumAlgorithm, undefined);
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
    } finally {
      await client.close();
    }
  });
});

describe('checksum against our server', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer();
  });
  after(() => server?.close());

  for (const algorithm of ['sha1', 'sha256', 'sha512', 'md5'] as const) {
    it(`${algorithm}: every PATCH carries the digest of its chunk, bytes stored intact`, async () => {
      const proxy = await startTamperProxy(server.endpoint);
      const client = new TusClient(proxy.endpoint, { checksum: algorithm, chunkSize: 8 * KiB });
      try {
        const data = bytes(20 * KiB, 3);
        const uploader = client.createUploader({ input: data });
        const url = await uploader.upload();
        assert.equal(uploader.stats.checksumAlgorithm, algorithm);
        const patches = proxy.requests.filter((r) => r.method === 'PATCH');
        assert.equal(patches.length, 3);
        for (const patch of patches) {
          assert.equal(
            patch.headers['upload-checksum'],
            `${algorithm} ${digest(algorithm, patch.body)}`,
          );
        }
        assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }

  it('createUploader overrides checksum, retryDelay and timeout for one uploader', async () => {
    const proxy = await startTamperProxy(server.endpoint);
    const client = new TusClient(proxy.endpoint, { checksum: false, chunkSize: 8 * KiB });
    try {
      assert.throws(() => client.createUploader({ input: bytes(1), timeout: 0 }), RangeError);
      assert.throws(
        () => client.createUploader({ input: bytes(1), checksum: 'crc' as never }),
        RangeError,
      );
      const data = bytes(10 * KiB, 5);
      const uploader = client.createUploader({
        input: data,
        checksum: 'sha256',
        retryDelay: 0,
        timeout: 10_000,
      });
      const url = await uploader.upload();
      assert.equal(uploader.stats.checksumAlgorithm, 'sha256');
      const patches = proxy.requests.filter((r) => r.method === 'PATCH');
      assert.ok(
        patches.every((p) => p.headers['upload-checksum'] === `sha256 ${digest('sha256', p.body)}`),
      );
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      const plain = client.createUploader({ input: bytes(100) });
      await plain.upload();
      assert.equal(plain.stats.checksumAlgorithm, undefined, 'the client keeps checksum: false');
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it('checksum: true picks sha1 when offered', async () => {
    const client = new TusClient(server.endpoint, { chunkSize: 8 * KiB });
    try {
      const uploader = client.createUploader({ input: bytes(100) });
      await uploader.upload();
      assert.equal(uploader.stats.checksumAlgorithm, 'sha1');
    } finally {
      await client.close();
    }
  });

  it('a chunk damaged on the way gets 460, is retried and the stored bytes are right', async () => {
    const proxy = await startTamperProxy(server.endpoint, {
      tamper: (r) => (r.method === 'PATCH' && r.nth === 2 ? flipMiddleByte(r.body) : r.body),
    });
    const statuses: number[] = [];
    const client = new TusClient(proxy.endpoint, {
      checksum: 'sha256',
      chunkSize: 8 * KiB,
      maxRetries: 2,
      retryDelay: 1,
      afterResponse: (method, _url, status) => {
        if (method === 'PATCH') statuses.push(status);
      },
    });
    try {
      const data = bytes(24 * KiB, 4);
      const uploader = client.createUploader({ input: data, maxRetries: 2 });
      const url = await uploader.upload();
      assert.deepEqual(statuses, [204, 460, 204, 204]);
      assert.equal(uploader.stats.retries, 1);
      assert.equal(uploader.stats.bytesResent, 8 * KiB);
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});

function digest(algorithm: ChecksumAlgorithm, data: Uint8Array): string {
  return createHash(algorithm).update(data).digest('base64');
}
