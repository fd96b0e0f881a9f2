/**
 * Issue 25.3: a credential given with `--header` for the endpoint's origin (A) never
 * reaches another origin (B) that the server hands upload URLs out on, whichever command
 * works on the upload: `upload` (one file, a batch), `resume FILE` (the way on the CLI
 * prints), `resume --url --endpoint`, `list --check`, `info`, `delete`, `forget`, and an
 * entry stored by an earlier version (no endpoint kept). Two fronts on 127.0.0.1 (two ports,
 * two origins) record every request and forward it to our server; A moves the `Location`
 * of a creation onto B. The built CLI runs as a child process (`npm run build` first).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/cli-runner.js';
import { makeTempDir, onlyUrl, sha256File, type TempDir } from '../cli/fixtures.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { type Front, onOrigin, type SeenRequest, startFront } from './helpers/front.js';

const SIZE = 1024 * 1024 + 4096; // at least 1 MiB: the CLI's URL store keeps it
const SECRETS = ['Authorization: Bearer cli-top-secret', 'Cookie: session=cli-top-secret'];
const HEADER_FLAGS = SECRETS.flatMap((header) => ['-H', header]);

function credentialsIn(requests: readonly SeenRequest[]): string[] {
  return requests
    .filter((r) => r.headers.authorization !== undefined || r.headers.cookie !== undefined)
    .map((r) => `${r.method} ${r.path}`);
}

describe('cli: --header credentials stay on the endpoint origin, for every command', {
  timeout: 120_000,
}, () => {
  let server: StartedOurServer;
  let a: Front;
  let b: Front;
  let dir: TempDir;
  let store: string;
  /** B answers PATCH with 500 while this holds (the upload fails, its entry stays stored). */
  let failPatches = false;

  before(async () => {
    server = await startOurServer();
    const target = new URL(server.endpoint).origin;
    b = await startFront({
      target,
      answer: (req) =>
        failPatches && req.method === 'PATCH' ? { status: 500, body: 'down' } : undefined,
    });
    a = await startFront({ target, location: (location) => onOrigin(location, b.origin) });
    dir = await makeTempDir('ru-cli-cred-');
    store = join(dir.path, 'store', 'urls.json');
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await server?.close();
    await dir?.remove();
  });

  const endpointA = () => `${a.origin}/files/`;

  /** Requests each front received while `run` ran. */
  async function recorded<T>(
    run: () => Promise<T>,
  ): Promise<{ result: T; onA: SeenRequest[]; onB: SeenRequest[] }> {
    const fromA = a.requests.length;
    const fromB = b.requests.length;
    const result = await run();
    return { result, onA: a.requests.slice(fromA), onB: b.requests.slice(fromB) };
  }

  /** `upload FILE` whose PATCHes B refuses: the upload exists on B, its URL is stored. */
  async function failedUpload(name: string, ...extra: string[]) {
    const file = await dir.file(name, SIZE);
    failPatches = true;
    try {
      const seen = await recorded(() =>
        runCli(['upload', file, '-e', endpointA(), ...HEADER_FLAGS, '--retries', '0', ...extra]),
      );
      assert.equal(seen.result.code, 1, seen.result.stderr);
      assert.deepEqual(credentialsIn(seen.onB), [], 'upload: nothing with credentials on B');
      assert.ok(
        seen.onB.some((r) => r.method === 'PATCH'),
        'the PATCH went to B',
      );
      assert.ok(
        seen.onA.some((r) => r.method === 'POST' && r.headers.authorization !== undefined),
        'the creation on A carried the credentials given for it',
      );
      const url = seen.onB.find((r) => r.method === 'PATCH')?.path ?? '';
      return { file, url: `${b.origin}${url}`, run: seen.result };
    } finally {
      failPatches = false;
    }
  }

  it('upload, then resume FILE (the way the CLI prints): B never gets the credentials', async () => {
    const { file, run } = await failedUpload('resumed.bin', '--store-file', store);
    const hint = run.stderr.match(/^to resume: resumable-upload (resume \S+ --store-file \S+)$/m);
    const command = hint?.[1];
    assert.ok(command, run.stderr);
    const seen = await recorded(() => runCli([...command.split(' '), ...HEADER_FLAGS]));
    assert.equal(seen.result.code, 0, seen.result.stderr);
    assert.deepEqual(credentialsIn(seen.onB), [], 'resume FILE: nothing with credentials on B');
    assert.ok(seen.onB.some((r) => r.method === 'PATCH'));
    const url = onlyUrl(seen.result.stdout);
    assert.equal(new URL(url).origin, b.origin);
    assert.equal(await sha256File(server.dataPath(url)), await sha256File(file));
  });

  it('list --check, info URL and delete URL of a stored upload: none to B', async () => {
    const { url } = await failedUpload('listed.bin', '--store-file', store);
    const list = await recorded(() =>
      runCli(['list', '--check', '--json', '--store-file', store, ...HEADER_FLAGS]),
    );
    assert.equal(list.result.code, 0, list.result.stderr);
    assert.match(list.result.stdout, /"server":\{"offset":0/);
    assert.ok(list.onB.some((r) => r.method === 'HEAD'));
    assert.deepEqual(credentialsIn(list.onB), [], 'list --check');

    const info = await recorded(() =>
      runCli(['info', url, '--store-file', store, ...HEADER_FLAGS]),
    );
    assert.equal(info.result.code, 0, info.result.stderr);
    assert.ok(info.onB.some((r) => r.method === 'HEAD'));
    assert.deepEqual(credentialsIn(info.onB), [], 'info URL (endpoint from the store)');

    const deleted = await recorded(() =>
      runCli(['delete', url, '--store-file', store, ...HEADER_FLAGS]),
    );
    assert.equal(deleted.result.code, 0, deleted.result.stderr);
    assert.ok(deleted.onB.some((r) => r.method === 'DELETE'));
    assert.deepEqual(credentialsIn(deleted.onB), [], 'delete URL (endpoint from the store)');
  });

  it('info and delete with --endpoint A (nothing stored): none to B', async () => {
    const { url } = await failedUpload('unstored.bin', '--no-store');
    for (const command of ['info', 'delete']) {
      const seen = await recorded(() =>
        runCli([command, url, '--endpoint', endpointA(), ...HEADER_FLAGS]),
      );
      assert.equal(seen.result.code, 0, seen.result.stderr);
      assert.ok(seen.onB.length > 0, `${command} asked B`);
      assert.deepEqual(credentialsIn(seen.onB), [], `${command} --endpoint`);
    }
  });

  it('--no-store: the hint names --endpoint A, and resume --url --endpoint sends none to B', async () => {
    const { file, run } = await failedUpload('hinted.bin', '--no-store');
    const hint = run.stderr.match(
      /^to resume: resumable-upload (resume \S+ --url \S+ --endpoint \S+)$/m,
    );
    const command = hint?.[1];
    assert.ok(command, run.stderr);
    const seen = await recorded(() =>
      runCli([...command.split(' '), ...HEADER_FLAGS, '--no-store']),
    );
    assert.equal(seen.result.code, 0, seen.result.stderr);
    assert.deepEqual(credentialsIn(seen.onB), [], 'resume --url --endpoint');
    assert.equal(
      await sha256File(server.dataPath(onlyUrl(seen.result.stdout))),
      await sha256File(file),
    );
  });

  it('an entry stored by an earlier version (no endpoint): resume FILE and list --check send none to B', async () => {
    const oldStore = join(dir.path, 'old', 'urls.json');
    const { file } = await failedUpload('old.bin', '--store-file', oldStore);
    const data = JSON.parse(await readFile(oldStore, 'utf8')) as {
      uploads: Record<string, Record<string, unknown>>;
    };
    for (const entry of Object.values(data.uploads)) {
      assert.equal(entry.endpoint, endpointA(), 'new entries keep their endpoint');
      delete entry.endpoint;
    }
    await writeFile(oldStore, JSON.stringify(data));

    const list = await recorded(() =>
      runCli(['list', '--check', '--store-file', oldStore, ...HEADER_FLAGS]),
    );
    assert.equal(list.result.code, 0, list.result.stderr);
    assert.ok(list.onB.some((r) => r.method === 'HEAD'));
    assert.deepEqual(credentialsIn(list.onB), [], 'list --check of an old entry');
    assert.match(list.result.stderr, /note: Authorization, Cookie not sent .*--endpoint/);

    const resumed = await recorded(() =>
      runCli(['resume', file, '--store-file', oldStore, ...HEADER_FLAGS]),
    );
    assert.equal(resumed.result.code, 0, resumed.result.stderr);
    assert.deepEqual(credentialsIn(resumed.onB), [], 'resume FILE of an old entry');
    assert.match(resumed.result.stderr, /note: .*Authorization, Cookie not sent to http:\/\/127/);
    const url = onlyUrl(resumed.result.stdout);
    assert.equal(await sha256File(server.dataPath(url)), await sha256File(file));
  });

  it('a batch of two, forget FILE and server-info: none to B (forget sends nothing at all)', async () => {
    const first = await dir.file('batch-1.bin', SIZE);
    const second = await dir.file('batch-2.bin', 5000);
    const batch = await recorded(() =>
      runCli(['upload', first, second, '-e', endpointA(), '--store-file', store, ...HEADER_FLAGS]),
    );
    assert.equal(batch.result.code, 0, batch.result.stderr);
    assert.ok(batch.onB.filter((r) => r.method === 'PATCH').length >= 2);
    assert.deepEqual(credentialsIn(batch.onB), [], 'a batch');

    const { file } = await failedUpload('forgotten.bin', '--store-file', store);
    const forget = await recorded(() =>
      runCli(['forget', file, '--store-file', store, ...HEADER_FLAGS]),
    );
    assert.equal(forget.result.code, 0, forget.result.stderr);
    assert.deepEqual([...forget.onA, ...forget.onB], [], 'forget sends no request');

    const info = await recorded(() => runCli(['server-info', '-e', endpointA(), ...HEADER_FLAGS]));
    assert.equal(info.result.code, 0, info.result.stderr);
    assert.deepEqual(info.onB, [], 'server-info asks A only');
  });
});
