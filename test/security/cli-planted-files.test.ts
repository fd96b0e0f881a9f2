/**
 * Issue 25.8 (CLI): the URL store and the batch journal in a folder others can write. A
 * symlink planted at the store file or at the journal's folder makes the command fail with
 * a message naming the file, before any request, and the link's target stays untouched.
 * The built CLI as a child process; the endpoint is never reached (nothing listens there).
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/cli-runner.js';
import { makeTempDir, type TempDir } from '../cli/fixtures.js';

/** Port 9 (discard) on 127.0.0.1: nothing listens; a request would fail as refused. */
const ENDPOINT = 'http://127.0.0.1:9/files/';

describe('cli: a planted URL store or journal is refused, never followed', {
  timeout: 60_000,
}, () => {
  let dir: TempDir;
  before(async () => {
    dir = await makeTempDir('ru-cli-planted-');
  });
  after(() => dir?.remove());

  it('a symlink at --store-file: the upload fails naming it; the target is untouched', async () => {
    const file = await dir.file('big.bin', 1024 * 1024 + 1);
    const victim = join(dir.path, 'victim.txt');
    await writeFile(victim, 'precious\n');
    const store = join(dir.path, 'store-link', 'urls.json');
    await mkdir(join(dir.path, 'store-link'));
    await symlink(victim, store);
    const run = await runCli(['upload', file, '-e', ENDPOINT, '--store-file', store]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /the URL storage file \S+urls\.json is a symbolic link: it is not followed/,
    );
    assert.doesNotMatch(run.stderr, /ECONNREFUSED/, 'refused before any request');
    assert.equal(await readFile(victim, 'utf8'), 'precious\n');
    const json = await runCli(['list', '--store-file', store, '--json']);
    assert.equal(json.code, 1);
    assert.match(json.stdout, /"code":"TUS_ERR_UNSAFE_FILE"/);
  });

  it('a symlink at the journal folder: the batch fails naming it; nothing lands in the target', async () => {
    const first = await dir.file('one.bin', 100);
    const second = await dir.file('two.bin', 100);
    const storeDir = join(dir.path, 'journal-case');
    const elsewhere = join(dir.path, 'elsewhere');
    await mkdir(storeDir);
    await mkdir(elsewhere);
    await symlink(elsewhere, join(storeDir, 'batches'));
    const run = await runCli([
      'upload',
      first,
      second,
      '-e',
      ENDPOINT,
      '--store-file',
      join(storeDir, 'urls.json'),
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /the batch journal folder \S+batches is a symbolic link/);
    assert.deepEqual(await readdir(elsewhere), []);
  });
});
