/** `upload --parallel N` (child process): into our server, and refused by @tus/server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startOurServer } from '../helpers/our-server.js';
import { type StartedTusServer, startTusNodeServer } from '../helpers/tus-node-server.js';
import { runCli } from './cli-runner.js';
import { jsonLines, makeTempDir, sha256File, type TempDir } from './fixtures.js';

describe('cli upload --parallel', () => {
  let server: Awaited<ReturnType<typeof startOurServer>>;
  let other: StartedTusServer;
  let dir: TempDir;
  const posts: string[] = [];

  before(async () => {
    server = await startOurServer({ fsync: false });
    other = await startTusNodeServer({
      intercept: (req) => {
        if (req.method === 'POST') posts.push(String(req.url));
        return false;
      },
    });
    dir = await makeTempDir();
  });
  after(async () => {
    await server.close();
    await other.close();
    await dir.remove();
  });

  it('--parallel 3: the final upload holds the file', async () => {
    const file = await dir.file('p.bin', 3 * 1024 * 1024 + 5);
    const run = await runCli([
      'upload',
      file,
      '-e',
      server.endpoint,
      '--parallel',
      '3',
      '--chunk-size',
      '512KiB',
      '--json',
      '--no-store',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [result] = jsonLines(run.stdout);
    assert.equal(result?.ok, true);
    assert.equal(result?.size, 3 * 1024 * 1024 + 5);
    const url = String(result?.url);
    assert.equal(await sha256File(server.dataPath(url)), await sha256File(file));
    const info = await server.server.getUpload(new URL(url).pathname.split('/').pop() ?? '');
    assert.equal(info?.concat?.type, 'final');
  });

  it('--parallel 2 against a server without concatenation: exit 1 naming the extension, no upload created', async () => {
    const file = await dir.file('q.bin', 64 * 1024);
    const run = await runCli([
      'upload',
      file,
      '-e',
      other.endpoint,
      '--parallel',
      '2',
      '--no-store',
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /concatenation/);
    assert.equal(run.stdout, '');
    assert.deepEqual(posts, []);
  });
});
