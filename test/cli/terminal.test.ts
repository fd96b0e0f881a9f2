/**
 * On a terminal 80 columns wide, with URLs wider than that: every line that carries a URL
 * is on the screen whole (wrapped by the terminal, never cut, never overdrawn by the
 * bars), and the bars were drawn meanwhile. The screen is read through a headless xterm.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { makeTempDir, sha256File, type TempDir } from './fixtures.js';
import { type GateProxy, startGateProxy } from './gate-proxy.js';
import { runInPty } from './pty.js';

const LONG_PATH = '/tenant-0123456789abcdef/region-europe-west/uploads-with-a-long-path/files';

describe('cli on an 80-column pseudo-terminal', () => {
  let server: StartedOurServer;
  let proxy: GateProxy;
  let dir: TempDir;
  before(async () => {
    server = await startOurServer({ path: LONG_PATH });
    proxy = await startGateProxy(server.endpoint);
    dir = await makeTempDir();
  });
  after(async () => {
    await proxy.close();
    await server.close();
    await dir.remove();
  });

  it('URL lines are whole on the screen, above the redrawn bars', { timeout: 90_000 }, async () => {
    const files = [
      await dir.file('first.bin', 12 * 64 * 1024),
      await dir.file('second.bin', 9 * 64 * 1024),
    ];
    proxy.pacePatches(40);
    const run = await runInPty(
      [
        'upload',
        ...files,
        '-e',
        proxy.endpointFor(server.endpoint),
        '--chunk-size',
        '64KiB',
        '--no-store',
      ],
      { columns: 80 },
    );
    proxy.open();
    assert.equal(run.code, 0, run.lines.join('\n'));
    assert.ok(run.raw.includes('█'), 'bars were drawn');
    for (const file of files) {
      const results = run.lines.filter(
        (line) => line.startsWith('http') && line.endsWith(`  ${file}`),
      );
      assert.equal(results.length, 1, `one result line for ${file}:\n${run.lines.join('\n')}`);
      const url = (results[0] ?? '').slice(0, -`  ${file}`.length);
      assert.ok(url.length > 80, `the URL is wider than the terminal: ${url}`);
      assert.match(
        url,
        /^http:\/\/127\.0\.0\.1:\d+\/tenant-0123456789abcdef\/.*\/files\/[0-9a-f]{32}$/,
      );
      assert.equal(
        await sha256File(server.dataPath(url)),
        await sha256File(file),
        'the URL on screen is the upload',
      );
      assert.ok(
        run.lines.includes(`${file}: upload URL ${url}`),
        `the upload URL line is whole:\n${run.lines.join('\n')}`,
      );
    }
    assert.match(run.lines.at(-1) ?? '', /^2 files: 2 uploaded; sent 1\.3 MiB in \d+s$/);
  });
});
