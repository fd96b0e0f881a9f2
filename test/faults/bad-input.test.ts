/**
 * Hostile or mistaken caller input: each is a clear error before any request (the proxy in
 * front of the server counts what reached it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TusClient, TusInputError } from '../../src/index.node.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedTusServer, startTusNodeServer } from '../helpers/tus-node-server.js';
import { tempDir } from '../integration/client/fixtures.js';

type Attempt = (client: TusClient, endpoint: string) => unknown;

interface Case {
  label: string;
  attempt: Attempt;
  type: typeof TypeError | typeof RangeError | typeof TusInputError;
  message: RegExp;
}

describe('bad caller input fails before any request', () => {
  let server: StartedTusServer;
  let proxy: FaultProxy;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  before(async () => {
    server = await startTusNodeServer();
    proxy = await startFaultProxy(server.endpoint);
    files = await tempDir();
    file = await files.file('ok.bin', new Uint8Array(10));
    await mkdir(join(files.dir, 'folder'));
  });
  after(async () => {
    await proxy.close();
    await server.close();
    await files.cleanup();
  });

  const input = new Uint8Array(10);
  const cases: Case[] = [
    {
      label: 'a missing file',
      attempt: (c) => c.uploadFile({ filePath: join(files.dir, 'nope.bin') }),
      type: TusInputError,
      message: /nope\.bin/,
    },
    {
      label: 'a directory instead of a file',
      attempt: (c) => c.uploadFile({ filePath: join(files.dir, 'folder') }),
      type: TusInputError,
      message: /folder.*director/i,
    },
    {
      label: 'a device instead of a regular file',
      attempt: (c) => c.uploadFile({ filePath: '/dev/null' }),
      type: TusInputError,
      message: /\/dev\/null/,
    },
    ...[-1, 0, Number.NaN, 0.5].map(
      (chunkSize): Case => ({
        label: `chunkSize ${chunkSize}`,
        attempt: (_c, endpoint) => new TusClient(endpoint, { chunkSize }),
        type: Number.isNaN(chunkSize) ? TypeError : RangeError,
        message: /chunkSize/,
      }),
    ),
    {
      label: 'createUploader chunkSize -5',
      attempt: (c) => c.createUploader({ input, chunkSize: -5 }).upload(),
      type: RangeError,
      message: /chunkSize must be at least 1.*-5/,
    },
    ...['has space', 'has,comma', 'ключ', ''].map(
      (key): Case => ({
        label: `metadata key ${JSON.stringify(key)}`,
        attempt: (c) => c.uploadFile({ input, metadata: { [key]: 'x' } }),
        type: TusInputError,
        message: /metadata key/,
      }),
    ),
    ...[42, null, undefined, { a: 1 }].map(
      (value): Case => ({
        label: `metadata value ${String(value)}`,
        attempt: (c) =>
          c.uploadFile({ input, metadata: { name: value } as unknown as Record<string, string> }),
        type: TusInputError,
        message: /metadata value of "name" must be a string/,
      }),
    ),
    {
      label: 'metadata that is not an object',
      attempt: (c) =>
        c.uploadFile({ input, metadata: 'name=x' as unknown as Record<string, string> }),
      type: TypeError,
      message: /metadata must be an object/,
    },
    {
      label: 'stopAt -1',
      attempt: (c) => c.uploadFile({ input, stopAt: -1 }),
      type: RangeError,
      message: /stopAt.*-1/,
    },
    {
      label: 'stopAt NaN',
      attempt: (c) => c.uploadFile({ input, stopAt: Number.NaN }),
      type: TypeError,
      message: /stopAt/,
    },
    {
      label: 'an endpoint without a scheme',
      attempt: (_c, endpoint) => new TusClient(endpoint.replace('http://', '')),
      type: TypeError,
      message: /url must be an absolute http\(s\) URL/,
    },
    {
      label: 'an endpoint with an ftp: scheme',
      attempt: (_c, endpoint) => new TusClient(endpoint.replace('http:', 'ftp:')),
      type: TypeError,
      message: /http\(s\)/,
    },
    {
      label: 'an upload URL without a scheme',
      attempt: (c, endpoint) =>
        c.resumeUpload({ uploadUrl: `${endpoint.replace('http://', '')}/abc`, input }),
      type: TypeError,
      message: /http\(s\) URL/,
    },
    {
      label: 'both filePath and input',
      attempt: (c) => c.uploadFile({ filePath: file, input }),
      type: TypeError,
      message: /filePath.*input|input.*filePath/,
    },
    {
      label: 'neither filePath nor input',
      attempt: (c) => c.uploadFile({}),
      type: TypeError,
      message: /filePath|input/,
    },
    {
      label: 'an unknown option (a typo)',
      attempt: (c) => c.uploadFile({ input, metdata: {} } as never),
      type: TypeError,
      message: /unknown option "metdata"/,
    },
  ];

  for (const c of cases) {
    it(c.label, async () => {
      const before = proxy.requests.length;
      const client = new TusClient(proxy.endpoint, { retryDelay: 1 });
      try {
        let error: unknown;
        try {
          await c.attempt(client, proxy.endpoint);
        } catch (caught) {
          error = caught;
        }
        assert.ok(error instanceof c.type, `expected ${c.type.name}, got ${String(error)}`);
        assert.match((error as Error).message, c.message);
        assert.equal(proxy.requests.length, before, 'no request reached the server');
      } finally {
        await client.close();
      }
    });
  }

  it('an unreadable file (as a user without permission)', async (t) => {
    const locked = await files.file('locked.bin', new Uint8Array(10));
    await chmod(locked, 0o000);
    if (process.getuid?.() !== 0) {
      const client = new TusClient(proxy.endpoint);
      const error = await client.uploadFile({ filePath: locked }).catch((e: unknown) => e);
      await client.close();
      assert.ok(error instanceof TusInputError, String(error));
      assert.match(error.message, /locked\.bin/);
      return;
    }
    // root reads anything: ask as nobody, in a child process.
    await chmod(files.dir, 0o755);
    const script = fileURLToPath(new URL('./unreadable-child.ts', import.meta.url));
    const before = proxy.requests.length;
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, proxy.endpoint, locked], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (child.error !== undefined || child.status !== 0) {
      t.skip(`cannot run as nobody here: ${child.error?.message ?? child.stderr.slice(0, 200)}`);
      return;
    }
    const seen = JSON.parse(child.stdout) as { name: string; code: string; message: string };
    assert.equal(seen.name, 'TusInputError');
    assert.equal(seen.code, 'TUS_ERR_INPUT');
    assert.match(seen.message, /locked\.bin/);
    assert.equal(proxy.requests.length, before, 'no request reached the server');
  });
});
