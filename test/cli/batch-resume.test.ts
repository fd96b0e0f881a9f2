/**
 * A directory batch killed mid-way and run again: 200 small files and 3 big ones, the big
 * ones held half-way by the proxy, the CLI killed (SIGKILL) once 100 files are done. The
 * second run skips the finished files (journal: marked already done, no request), resumes
 * the big ones from the server's offset (URL store), and uploads the rest: every file's
 * stored bytes equal the source, and no finished file was created twice (POSTs counted at
 * the proxy).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, spawnCli } from './cli-runner.js';
import { jsonLines, sha256File } from './fixtures.js';
import { useGatedServer } from './gated-suite.js';

const SMALL = 200;
const BIG = 3;
const CHUNK = 64 * 1024;
const BIG_SIZE = 24 * CHUNK + 11;

describe('cli batch: a directory killed mid-batch resumes (journal + URL store)', () => {
  const suite = useGatedServer();

  it('200 small files and 3 big ones: killed, run again, every file once', {
    timeout: 180_000,
  }, async () => {
    const { server, proxy, dir } = suite;
    const root = join(dir.path, 'photos');
    await mkdir(join(root, 'small'), { recursive: true });
    for (let i = 0; i < BIG; i++)
      await writeFile(join(root, `big-${i}.bin`), randomBytes(BIG_SIZE));
    for (let i = 0; i < SMALL; i++) {
      const name = join(root, 'small', `s-${String(i).padStart(3, '0')}.txt`);
      await writeFile(name, randomBytes(100 + i * 7));
    }
    const store = join(dir.path, 'state', 'urls.json');
    const args = [
      'upload',
      root,
      '--recursive',
      '-e',
      proxy.endpointFor(server.endpoint),
      '--chunk-size',
      '64KiB',
      '--concurrency',
      '4',
      '--store-file',
      store,
      '--json',
    ];
    proxy.holdBigUploads(1024 * 1024, 5);
    const first = spawnCli(args);
    await first.waitUntil((stdout) => stdout.split('\n').length > 100);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    proxy.open();
    const finishedFirst = jsonLines(
      killed.stdout
        .split('\n')
        .filter((l) => l.endsWith('}'))
        .join('\n'),
    );
    assert.ok(
      finishedFirst.length >= 100 && finishedFirst.length < SMALL + BIG,
      `${finishedFirst.length} done before the kill`,
    );
    const postsBefore = proxy.requests.filter((r) => r.method === 'POST').length;

    const second = await runCli(args, { timeoutMs: 150_000 });
    assert.equal(second.code, 0, second.stderr);
    const results = jsonLines(second.stdout);
    assert.equal(results.length, SMALL + BIG, 'a line for every file');
    const byFile = new Map(results.map((r) => [String(r.file), r]));
    for (const done of finishedFirst) {
      const again = byFile.get(String(done.file));
      assert.equal(again?.status, 'already-done', String(done.file));
      assert.equal(again?.url, done.url, 'the same upload URL');
      assert.equal(again?.bytesSent, 0);
    }
    for (let i = 0; i < BIG; i++) {
      const result = byFile.get(join(root, `big-${i}.bin`));
      assert.equal(result?.status, 'resumed', JSON.stringify(result));
      assert.equal(result?.resumedFrom, 5 * CHUNK);
      assert.equal(result?.bytesSent, BIG_SIZE - 5 * CHUNK);
    }
    assert.match(
      second.stderr,
      new RegExp(`going on with an unfinished batch: ${finishedFirst.length} file`),
    );
    assert.match(
      second.stderr,
      new RegExp(`${SMALL + BIG} files: .*${finishedFirst.length} already done`),
    );

    // Every file's bytes on the server; POSTs per file (by its relativePath).
    const posts = new Map<string, number>();
    for (const req of proxy.requests) {
      if (req.method !== 'POST') continue;
      const key = req.metadata.relativePath ?? '?';
      posts.set(key, (posts.get(key) ?? 0) + 1);
    }
    for (const result of results) {
      const file = String(result.file);
      assert.equal(
        await sha256File(server.dataPath(String(result.url))),
        await sha256File(file),
        file,
      );
      const rel = `photos/${file.slice(root.length + 1)}`;
      const count = posts.get(rel) ?? 0;
      const finished = finishedFirst.some((r) => r.file === file) || file.includes('big-');
      if (finished) assert.equal(count, 1, `${rel}: created once`);
      else assert.ok(count === 1 || count === 2, `${rel}: ${count} POSTs`);
    }
    assert.ok(
      proxy.requests.filter((r) => r.method === 'POST').length - postsBefore <=
        SMALL + BIG - finishedFirst.length,
    );
  });
});
