/**
 * Issue 15, points 7 and 8: Locations behind a proxy (`publicUrl`; forwarded headers only
 * with `trustProxy`), and CORS closed unless origins are configured.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TusServerOptions } from '../../../src/server/index.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { send, TUS } from '../../helpers/raw-http.js';

async function withServer(
  options: Omit<TusServerOptions, 'directory'>,
  run: (server: StartedOurServer) => Promise<void>,
): Promise<void> {
  const server = await startOurServer({ fsync: false, ...options });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

async function locationFor(endpoint: string, headers: Record<string, string>): Promise<string> {
  const response = await send('POST', endpoint, {
    headers: { ...TUS, 'Upload-Length': '1', ...headers },
  });
  assert.equal(response.status, 201, response.body);
  return String(response.headers.location);
}

const ID = '[0-9a-f]{32}';

describe('Location behind a proxy', () => {
  it('by default: from Host; forwarded headers are not believed', async () => {
    await withServer({}, async (server) => {
      const location = await locationFor(server.endpoint, {
        Host: 'uploads.test:8080',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'evil.example',
        Forwarded: 'proto=https;host=evil.example',
      });
      assert.match(location, new RegExp(`^http://uploads\\.test:8080/files/${ID}$`));
    });
  });

  it('trustProxy: Forwarded first, else X-Forwarded-Proto / X-Forwarded-Host; bad values ignored', async () => {
    await withServer({ trustProxy: true }, async (server) => {
      const cases: [Record<string, string>, RegExp][] = [
        [
          { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example' },
          /^https:\/\/public\.example\/files\//,
        ],
        [{ 'X-Forwarded-Proto': 'https, http' }, /^https:\/\/inner\.test\/files\//],
        [
          {
            Forwarded: 'for=192.0.2.1;proto=https;host="up.example:8443", for=10.0.0.1',
            'X-Forwarded-Host': 'x.example',
          },
          /^https:\/\/up\.example:8443\/files\//,
        ],
        [
          { 'X-Forwarded-Proto': 'ftp', 'X-Forwarded-Host': 'a/b' },
          /^http:\/\/inner\.test\/files\//,
        ],
      ];
      for (const [headers, expected] of cases) {
        const location = await locationFor(server.endpoint, { Host: 'inner.test', ...headers });
        assert.match(location, expected, JSON.stringify(headers));
      }
    });
  });

  it('publicUrl: every Location is on it, whatever Host or the proxy headers say', async () => {
    await withServer(
      { publicUrl: 'https://uploads.example/api/files', trustProxy: true },
      async (server) => {
        for (const headers of [
          { Host: 'evil.example' },
          { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' },
          {},
        ]) {
          const location = await locationFor(server.endpoint, headers);
          assert.match(location, new RegExp(`^https://uploads\\.example/api/files/${ID}$`));
        }
      },
    );
  });

  it('the parts of a final upload are shown on the public URL too', async () => {
    await withServer({ publicUrl: 'https://uploads.example/files' }, async (server) => {
      const created = await send('POST', server.endpoint, {
        headers: { ...TUS, 'Upload-Concat': 'partial', 'Upload-Length': '0' },
      });
      const part = String(created.headers.location);
      const final = await send('POST', server.endpoint, {
        headers: { ...TUS, 'Upload-Concat': `final;${part}` },
      });
      assert.equal(final.status, 201, final.body);
      const id = String(final.headers.location).split('/').at(-1);
      const head = await send('HEAD', `${server.endpoint}/${id}`, { headers: TUS });
      assert.equal(head.headers['upload-concat'], `final;${part}`);
    });
  });
});

const preflight = (endpoint: string, origin: string) =>
  send('OPTIONS', endpoint, {
    headers: { Origin: origin, 'Access-Control-Request-Method': 'PATCH' },
  });

describe('CORS', () => {
  let closed: StartedOurServer;
  before(async () => {
    closed = await startOurServer({ fsync: false });
  });
  after(() => closed.close());

  it('by default no origin may use the server: no Access-Control-Allow-Origin, not even for null', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:8080']) {
      const options = await preflight(closed.endpoint, origin);
      assert.equal(options.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(options.headers['access-control-allow-methods'], undefined, origin);
      const post = await send('POST', closed.endpoint, {
        headers: { ...TUS, Origin: origin, 'Upload-Length': '1' },
      });
      assert.equal(post.headers['access-control-allow-origin'], undefined, origin);
    }
  });

  it("a list allows exactly its origins; '*' all but null; 'null' only when listed", async () => {
    await withServer({ allowedOrigins: ['http://app.example', 'null'] }, async (server) => {
      assert.equal(
        (await preflight(server.endpoint, 'http://app.example')).headers[
          'access-control-allow-origin'
        ],
        'http://app.example',
      );
      assert.equal(
        (await preflight(server.endpoint, 'null')).headers['access-control-allow-origin'],
        'null',
      );
      const other = await preflight(server.endpoint, 'http://app.example:8080');
      assert.equal(other.headers['access-control-allow-origin'], undefined);
      assert.equal(other.headers.vary, 'Origin');
    });
    await withServer({ allowedOrigins: '*' }, async (server) => {
      const any = await preflight(server.endpoint, 'https://any.example');
      assert.equal(any.headers['access-control-allow-origin'], 'https://any.example');
      assert.match(String(any.headers['access-control-allow-headers']), /Upload-Offset/);
      assert.equal(
        (await preflight(server.endpoint, 'null')).headers['access-control-allow-origin'],
        undefined,
      );
    });
  });
});
