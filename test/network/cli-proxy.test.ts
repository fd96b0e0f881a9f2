/**
 * Issue 18.3: the built CLI through a real proxy, chosen by `--proxy` or by the environment
 * (`HTTP_PROXY`, bypassed for hosts `NO_PROXY` names); bytes checked on our server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/cli-runner.js';
import { makeTempDir, sha256File, type TempDir } from '../cli/fixtures.js';
import {
  type StartedProxy,
  type StartedServer,
  startProxy,
  startServer,
} from './helpers/servers.js';

/** No proxy from the machine's own environment unless a test sets one. */
const NONE = {
  HTTP_PROXY: '',
  http_proxy: '',
  HTTPS_PROXY: '',
  https_proxy: '',
  NO_PROXY: '',
  no_proxy: '',
};

describe('the CLI through a proxy', { timeout: 120_000 }, () => {
  let proxy: StartedProxy;
  let server: StartedServer;
  let dir: TempDir;
  let file: string;

  before(async () => {
    proxy = await startProxy({ user: 'cli', password: 'cli-s3cret' });
    server = await startServer();
    dir = await makeTempDir();
    file = await dir.file('via-proxy.bin', 300 * 1024 + 5);
  });
  after(async () => {
    await proxy.close();
    await server.close();
    await dir.remove();
  });

  const upload = (extra: string[], env: Record<string, string>) =>
    runCli(
      ['upload', file, '-e', server.endpoint, '--chunk-size', '100KiB', '--no-store', ...extra],
      {
        env: { ...NONE, ...env },
      },
    );

  it('HTTP_PROXY: every request through the proxy, with its credentials; bytes intact', async () => {
    const from = proxy.forwarded.length;
    const run = await upload([], { HTTP_PROXY: proxy.urlWithCredentials });
    assert.equal(run.code, 0, run.stderr);
    // `URL  FILE` (the upload command keys each URL with its file)
    const url = run.stdout.trim().split('  ')[0] ?? '';
    assert.equal(await server.storedHash(url), await sha256File(file));
    const forwarded = proxy.forwarded.slice(from);
    assert.ok(forwarded.filter((r) => r.method === 'PATCH').length >= 3, JSON.stringify(forwarded));
    assert.ok(forwarded.every((r) => r.proxyAuthorization?.startsWith('Basic ')));
  });

  it('NO_PROXY naming the host, or --proxy "": straight to the server', async () => {
    const from = proxy.forwarded.length;
    const bypassed = await upload([], {
      HTTP_PROXY: proxy.urlWithCredentials,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    assert.equal(bypassed.code, 0, bypassed.stderr);
    const off = await upload(['--proxy', ''], { HTTP_PROXY: proxy.urlWithCredentials });
    assert.equal(off.code, 0, off.stderr);
    assert.equal(proxy.forwarded.length, from, 'the proxy saw nothing');
  });

  it('--proxy wins over the environment; a bad proxy is a usage error naming its variable', async () => {
    const from = proxy.forwarded.length;
    const run = await upload(['--proxy', proxy.urlWithCredentials], {
      HTTP_PROXY: 'http://127.0.0.1:9',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(proxy.forwarded.length > from);
    const bad = await upload([], { HTTP_PROXY: 'socks5://user:pw@127.0.0.1:1080' });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /\$HTTP_PROXY: proxy must be an http: or https: URL/);
    assert.ok(!bad.stderr.includes('pw@'), bad.stderr);
  });
});
