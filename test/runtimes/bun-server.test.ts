/**
 * Our server under the real Bun (the `bun` binary from npm), driven from Node: the core
 * protocol by raw HTTP (OPTIONS, creation, HEAD, PATCH, a wrong offset, a bad checksum,
 * termination), then our client uploading a path with each checksum algorithm, a stream of
 * deferred length and parallel partial uploads. The stored bytes are read from the directory
 * the Bun process writes to.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { TusClient } from '../../src/index.node.js';
import { create, patch, send, TUS } from '../helpers/raw-http.js';
import { BUN, FIXTURES, fileSha256, ROOT, requireBuild, sha256 } from './runtime-process.js';

/** Starts the Bun server script; resolves with its endpoint once it printed it. */
function startBunServer(directory: string): Promise<{ child: ChildProcess; endpoint: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BUN, [join(FIXTURES, 'bun-server.mjs'), JSON.stringify({ directory })], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Bun server did not start in 30 s:\n${err}`));
    }, 30_000);
    child.stderr?.on('data', (piece: Buffer) => {
      err += piece.toString();
    });
    child.stdout?.on('data', (piece: Buffer) => {
      out += piece.toString();
      const line = out.split('\n').find((text) => text.startsWith('{'));
      if (line !== undefined && out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, endpoint: (JSON.parse(line) as { endpoint: string }).endpoint });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Bun server exited (${code}):\n${err}`));
    });
  });
}

/** Ends the Bun server by closing its stdin; kills it if it has not gone in 10 s. */
function stopBunServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
  });
}

describe('our server under Bun', () => {
  const source = randomBytes(300 * 1024 + 7);
  let directory: string;
  let work: string;
  let child: ChildProcess;
  let endpoint: string;
  const stored = (url: string) => join(directory, new URL(url).pathname.split('/').pop() ?? '');

  before(async () => {
    requireBuild();
    directory = await mkdtemp(join(tmpdir(), 'bun-server-'));
    work = await mkdtemp(join(tmpdir(), 'bun-server-src-'));
    ({ child, endpoint } = await startBunServer(directory));
  });

  after(async () => {
    if (child) await stopBunServer(child);
    for (const dir of [directory, work]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers the core protocol: OPTIONS, creation, HEAD, PATCH, 409, 460, DELETE', async () => {
    const options = await send('OPTIONS', endpoint);
    assert.equal(options.status, 204);
    assert.equal(options.headers['tus-version'], '1.0.0');
    assert.match(String(options.headers['tus-extension']), /creation.*checksum.*concatenation/);

    const url = await create(endpoint, { 'Upload-Length': '11' });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}$/);
    const first = await patch(url, 0, 'hello ');
    assert.equal(first.status, 204);
    assert.equal(first.headers['upload-offset'], '6');
    assert.equal((await patch(url, 0, 'again')).status, 409);
    const sha1 = (text: string) => createHash('sha1').update(text).digest('base64');
    const wrong = await patch(url, 6, 'world', { 'Upload-Checksum': `sha1 ${sha1('other')}` });
    assert.equal(wrong.status, 460);
    const head = await send('HEAD', url, { headers: TUS });
    assert.equal(head.headers['upload-offset'], '6');
    const last = await patch(url, 6, 'world', { 'Upload-Checksum': `sha1 ${sha1('world')}` });
    assert.equal(last.status, 204);
    assert.equal(await readFile(stored(url), 'utf8'), 'hello world');
    assert.equal((await send('DELETE', url, { headers: TUS })).status, 204);
    assert.equal((await send('HEAD', url, { headers: TUS })).status, 404);
  });

  it('takes our Node client’s uploads: each checksum, a deferred stream, parallel: bytes equal', async () => {
    const filePath = join(work, 'source.bin');
    await writeFile(filePath, source);
    const expected = sha256(source);
    const client = new TusClient(endpoint, { chunkSize: 64 * 1024 });
    try {
      for (const checksum of ['sha1', 'sha256', 'sha512', 'md5'] as const) {
        const algorithms = new Set<string | undefined>();
        const one = new TusClient(endpoint, { chunkSize: 64 * 1024, checksum });
        const url = await one
          .uploadFile({ filePath, onProgress: (stats) => algorithms.add(stats.checksumAlgorithm) })
          .finally(() => one.close());
        assert.equal(await fileSha256(stored(url)), expected, checksum);
        assert.deepEqual([...algorithms], [checksum]);
      }
      const deferred = await client.uploadFile({
        input: Readable.from([source.subarray(0, 1000), source.subarray(1000)]),
      });
      assert.equal(await fileSha256(stored(deferred)), expected, 'deferred length');
      const parallel = await client.uploadFile({ filePath, parallelUploads: 3 });
      assert.equal(await fileSha256(stored(parallel)), expected, 'parallel');
    } finally {
      await client.close();
    }
  });
});
