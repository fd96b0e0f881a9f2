/** `upload --store`: a re-run of the same `upload` after a kill resumes by fingerprint. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, spawnCli } from './cli-runner.js';
import { jsonLines, sha256File } from './fixtures.js';
import { useGatedServer } from './gated-suite.js';

const CHUNK = 64 * 1024;

describe('cli --store (URL storage across runs)', () => {
  const suite = useGatedServer();

  it('a plain re-run of `upload` resumes the killed upload from the server offset', async () => {
    const { server, proxy, dir } = suite;
    const file = await dir.file('stored.bin', 20 * CHUNK + 9);
    const store = join(dir.path, 'state', 'urls.json');
    const endpoint = proxy.endpointFor(server.endpoint);
    proxy.holdPatchesAfter(5);
    const args = ['upload', file, '-e', endpoint, '--chunk-size', '64KiB', '--store-file', store];
    const child = spawnCli([...args, '--progress-interval', '100ms']);
    await proxy.held();
    child.child.kill('SIGKILL');
    assert.equal((await child.done).signal, 'SIGKILL');
    proxy.open();
    const stored = Object.values(JSON.parse(await readFile(store, 'utf8')).uploads) as Array<{
      uploadUrl: string;
    }>;
    assert.equal(stored.length, 1, 'the URL was stored before the first PATCH');

    const again = await runCli([...args, '--json']);
    assert.equal(again.code, 0, again.stderr);
    const [result] = jsonLines(again.stdout);
    assert.equal(result?.ok, true);
    assert.equal(result?.url, stored[0]?.uploadUrl, 'the same upload');
    assert.equal(result?.resumedFrom, 5 * CHUNK);
    assert.match(again.stderr, /resuming from byte 327680/);
    assert.equal(await sha256File(server.dataPath(String(result?.url))), await sha256File(file));
    assert.deepEqual(JSON.parse(await readFile(store, 'utf8')).uploads, {}, 'forgotten once done');
  });

  it('--no-store neither reads nor writes the store file', async () => {
    const { server, dir } = suite;
    const file = await dir.file('unstored.bin', 3 * CHUNK);
    const store = join(dir.path, 'never', 'urls.json');
    const run = await runCli([
      'upload',
      file,
      '-e',
      server.endpoint,
      '--no-store',
      '--store-file',
      store,
      '--quiet',
    ]);
    assert.equal(run.code, 0, run.stderr);
    await assert.rejects(readFile(store), { code: 'ENOENT' });
  });
});
