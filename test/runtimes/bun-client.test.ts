/**
 * The Node build under the real Bun (the `bun` binary from npm): a script imports the package
 * by its name and uploads every input kind to our server on 127.0.0.1, checksums on, with a
 * reset PATCH retried, an abort resumed through the URL, and parallel uploads. The stored
 * bytes are checked here, in Node.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import {
  BUN,
  FIXTURES,
  fileSha256,
  lastJson,
  requireBuild,
  run,
  sha256,
} from './runtime-process.js';

interface CaseResult {
  url: string;
  progress: number;
  checksum: string | null;
  retries: number;
  abortError?: string | null;
  offsetBefore?: number;
}

describe('the client under Bun', () => {
  const size = 512 * 1024 + 123;
  const source = randomBytes(size);
  let server: StartedOurServer;
  let proxy: FaultProxy;
  let dir: string;

  before(async () => {
    requireBuild();
    server = await startOurServer();
    // The first PATCH is reset after 1,000 of its bytes reached the server.
    proxy = await startFaultProxy(server.endpoint, {
      decide: (request) =>
        request.method === 'PATCH' && request.nth === 1
          ? { kind: 'reset', afterBytes: 1000 }
          : undefined,
    });
    dir = await mkdtemp(join(tmpdir(), 'bun-client-'));
  });

  after(async () => {
    await proxy?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('uploads a path, bytes, a Blob, both stream kinds, in parallel, after a reset and an abort: bytes equal', async () => {
    const filePath = join(dir, 'source.bin');
    await writeFile(filePath, source);
    const config = { endpoint: server.endpoint, proxyEndpoint: proxy.endpoint, filePath };
    const { stdout } = await run(BUN, [join(FIXTURES, 'bun-client.mjs'), JSON.stringify(config)]);
    const { runtime, results } = lastJson<{ runtime: string; results: Record<string, CaseResult> }>(
      stdout,
    );
    assert.match(runtime, /^bun \d+\.\d+/);
    const cases = ['path', 'uint8array', 'blob', 'web-stream', 'node-readable', 'parallel'];
    assert.deepEqual(Object.keys(results).sort(), [...cases, 'resume', 'retry'].sort());
    const expected = sha256(source);
    for (const [name, result] of Object.entries(results)) {
      assert.equal(
        await fileSha256(server.dataPath(result.url)),
        expected,
        `${name}: stored bytes`,
      );
    }
    for (const name of [...cases, 'retry']) {
      const result = results[name]!;
      assert.ok(result.progress > 0, `${name}: progress events`);
      if (name !== 'parallel') assert.equal(result.checksum, 'sha1', `${name}: checksum`);
    }
    // The proxy did reset a PATCH, and the client retried it.
    assert.deepEqual(
      proxy.faults.map((fault) => `${fault.kind} ${fault.method}`),
      ['reset PATCH'],
    );
    assert.ok(results.retry!.retries >= 1, 'the reset PATCH was retried');
    // The abort stopped the upload part way; the resume finished it.
    const resume = results.resume!;
    assert.match(resume.abortError ?? '', /^upload aborted at \d+ of \d+ bytes/);
    assert.ok(resume.offsetBefore! > 0 && resume.offsetBefore! < size, `${resume.offsetBefore}`);
  });
});
