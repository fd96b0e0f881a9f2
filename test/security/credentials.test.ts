/**
 * Issue 16.1: credentials go only to the endpoint's origin, an https client never speaks
 * plain http, redirects are never followed, and a Location cannot bring a password. Each
 * against a real server behind a scripted front (front.ts) that points the client
 * elsewhere, with a recording server where it points.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TusClient as FetchTusClient } from '../../src/index.browser.js';
import {
  CallableFingerprint,
  InMemoryUrlStorage,
  TusClient,
  TusError,
  TusRedirectError,
  TusUnsafeUrlError,
} from '../../src/index.node.js';
import type { StartedTusServer } from '../helpers/tus-node-server.js';
import { bytes, KiB, sha256, sha256File } from '../integration/client/fixtures.js';
import { type Front, onOrigin, type SeenRequest, startFront } from './helpers/front.js';
import { REAL_SERVERS } from './helpers/servers.js';
import { selfSignedCertificate } from './helpers/tls.js';

const SECRET_HEADERS = {
  Authorization: 'Bearer top-secret-token',
  Cookie: 'session=top-secret-cookie',
  'Proxy-Authorization': 'Basic top-secret-proxy',
  'X-Api-Key': 'top-secret-key',
};
const PLAIN_HEADERS = { 'X-Trace': 'trace-1' };
const CREDENTIAL_NAMES = ['authorization', 'cookie', 'proxy-authorization', 'x-api-key'];

function credentialsIn(req: SeenRequest): string[] {
  return CREDENTIAL_NAMES.filter((name) => req.headers[name] !== undefined);
}

/** Every request `front` saw, as `METHOD path`, for messages. */
function listed(front: Front): string {
  return JSON.stringify(front.requests.map((r) => `${r.method} ${r.path}`));
}

for (const real of REAL_SERVERS) {
  describe(`credentials stay on the endpoint's origin (${real.name})`, { timeout: 60_000 }, () => {
    let server: StartedTusServer;
    /** Where the hostile Location points: records, then forwards to the real server. */
    let elsewhere: Front;
    /** The endpoint: forwards to the real server, answering creation with `elsewhere`. */
    let endpoint: Front;
    let locationStyle: 'absolute' | 'protocol-relative' = 'absolute';

    before(async () => {
      server = await real.start();
      const target = new URL(server.endpoint).origin;
      elsewhere = await startFront({ target });
      endpoint = await startFront({
        target,
        location: (location) => {
          const moved = onOrigin(location, elsewhere.origin);
          return locationStyle === 'absolute' ? moved : moved.replace(/^http:/, '');
        },
      });
    });
    after(async () => {
      await endpoint?.close();
      await elsewhere?.close();
      await server?.close();
    });

    const upload = async (options: ConstructorParameters<typeof TusClient>[1] = {}) => {
      endpoint.requests.length = 0;
      elsewhere.requests.length = 0;
      const data = bytes(300 * KiB, 16);
      const client = new TusClient(`${endpoint.origin}/files`, {
        chunkSize: 100 * KiB,
        headers: { ...SECRET_HEADERS, ...PLAIN_HEADERS },
        sensitiveHeaders: ['X-Api-Key'],
        ...options,
      });
      try {
        const url = await client.uploadFile({ input: data });
        assert.ok(url.startsWith(elsewhere.origin), url);
        assert.equal(await sha256File(server.dataPath(url)), sha256(data));
      } finally {
        await client.close();
      }
    };

    for (const style of ['absolute', 'protocol-relative'] as const) {
      it(`${style === 'absolute' ? 'an' : 'a'} ${style} Location on another origin gets the PATCHes without Authorization, Cookie, Proxy-Authorization or a sensitive header`, async () => {
        locationStyle = style;
        await upload();
        const post = endpoint.requests.find((r) => r.method === 'POST');
        assert.deepEqual(credentialsIn(post!), CREDENTIAL_NAMES, 'the endpoint gets them');
        const patches = elsewhere.requests.filter((r) => r.method === 'PATCH');
        assert.equal(patches.length, 3, listed(elsewhere));
        for (const patch of patches) {
          assert.deepEqual(credentialsIn(patch), [], `${patch.method} ${patch.path}`);
          assert.equal(patch.headers['x-trace'], 'trace-1', 'other headers still go');
        }
      });
    }

    it('a credential a beforeRequest hook adds is kept from another origin too', async () => {
      locationStyle = 'absolute';
      await upload({
        headers: PLAIN_HEADERS,
        beforeRequest: (_method, _url, headers) => {
          headers.Authorization = 'Bearer from-the-hook';
        },
      });
      assert.equal(
        endpoint.requests.find((r) => r.method === 'POST')?.headers.authorization,
        'Bearer from-the-hook',
      );
      for (const req of elsewhere.requests) assert.deepEqual(credentialsIn(req), []);
    });

    it("sendCredentialsTo: 'any-origin', or a list naming the other origin, sends them there", async () => {
      locationStyle = 'absolute';
      for (const sendCredentialsTo of ['any-origin' as const, [elsewhere.origin]]) {
        await upload({ sendCredentialsTo });
        const patches = elsewhere.requests.filter((r) => r.method === 'PATCH');
        assert.equal(patches.length, 3);
        for (const patch of patches) assert.deepEqual(credentialsIn(patch), CREDENTIAL_NAMES);
      }
    });
  });
}

describe('an https client sends nothing to http:', { timeout: 60_000 }, () => {
  const tls = selfSignedCertificate();
  let plain: Front;
  let secure: Front;
  /** The Location the https endpoint answers creation with. */
  let location = '';

  before(async () => {
    if (tls === undefined) return;
    plain = await startFront({ answer: () => ({ status: 204 }) });
    secure = await startFront({
      tls,
      answer: (req) =>
        req.method === 'POST'
          ? { status: 201, headers: { 'Tus-Resumable': '1.0.0', Location: location } }
          : req.method === 'OPTIONS'
            ? { status: 204, headers: { 'Tus-Resumable': '1.0.0', 'Tus-Version': '1.0.0' } }
            : { status: 404 },
    });
  });
  after(async () => {
    await plain?.close();
    await secure?.close();
  });

  const client = () =>
    new TusClient(`${secure.origin}/files`, {
      verifyTlsCert: false,
      checksum: false,
      maxRetries: 0,
      headers: SECRET_HEADERS,
    });

  const refused = (reason: 'downgrade' | 'userinfo') => (error: unknown) => {
    assert.ok(error instanceof TusUnsafeUrlError, String(error));
    assert.equal(error.code, 'TUS_ERR_UNSAFE_URL');
    assert.equal(error.reason, reason);
    assert.ok(!JSON.stringify(error).includes('top-secret'));
    return true;
  };

  it('an http: Location from the https endpoint is a TusUnsafeUrlError, and no byte goes there', {
    skip: tls === undefined,
  }, async () => {
    location = `${plain.origin}/files/downgraded`;
    const c = client();
    try {
      await assert.rejects(c.uploadFile({ input: bytes(10 * KiB, 2) }), refused('downgrade'));
      assert.deepEqual(plain.requests, []);
      assert.equal(secure.requests.filter((r) => r.method === 'PATCH').length, 0);
    } finally {
      await c.close();
    }
  });

  it("an http: Location to the endpoint's own host, or in capitals, is refused the same way", {
    skip: tls === undefined,
  }, async () => {
    for (const to of [
      `http://${new URL(secure.origin).host}/files/x`,
      `HTTP://${new URL(plain.origin).host}/files/x`,
    ]) {
      location = to;
      const c = client();
      try {
        await assert.rejects(c.uploadFile({ input: bytes(1000, 3) }), refused('downgrade'));
      } finally {
        await c.close();
      }
    }
    assert.deepEqual(plain.requests, []);
  });

  it('resumeUpload, getUploadInfo and deleteUpload of an http: URL are refused before any request', {
    skip: tls === undefined,
  }, async () => {
    const c = client();
    const url = `${plain.origin}/files/given`;
    try {
      await assert.rejects(
        c.resumeUpload({ uploadUrl: url, input: bytes(1000, 4) }),
        refused('downgrade'),
      );
      await assert.rejects(c.getUploadInfo(url), refused('downgrade'));
      await assert.rejects(c.deleteUpload(url), refused('downgrade'));
      assert.deepEqual(plain.requests, []);
    } finally {
      await c.close();
    }
  });

  it('a stored http: URL (storeUrl) is refused before any request', {
    skip: tls === undefined,
  }, async () => {
    const storage = new InMemoryUrlStorage();
    await storage.set('the-input', {
      uploadUrl: `${plain.origin}/files/stored`,
      size: 1000,
      createdAt: new Date(Date.now() + 60_000).toISOString(),
      metadata: {},
    });
    const c = new TusClient(`${secure.origin}/files`, {
      verifyTlsCert: false,
      storeUrl: true,
      urlStorage: storage,
      fingerprinter: new CallableFingerprint(() => 'the-input'),
    });
    try {
      await assert.rejects(c.uploadFile({ input: bytes(1000, 5) }), refused('downgrade'));
      assert.deepEqual(plain.requests, []);
    } finally {
      await c.close();
    }
  });
});

describe('redirects are never followed (Node and fetch transports)', { timeout: 60_000 }, () => {
  let elsewhere: Front;
  let hostile: Front;
  /** What the hostile endpoint answers each method with. */
  let script: (req: SeenRequest) => { status: number; headers?: Record<string, string> };

  before(async () => {
    elsewhere = await startFront({
      answer: (req) =>
        req.method === 'POST'
          ? { status: 201, headers: { 'Tus-Resumable': '1.0.0', Location: '/files/taken' } }
          : { status: 204, headers: { 'Tus-Resumable': '1.0.0', 'Upload-Offset': '1000' } },
    });
    hostile = await startFront({ answer: (req) => script(req) });
  });
  after(async () => {
    await elsewhere?.close();
    await hostile?.close();
  });

  const tus = { 'Tus-Resumable': '1.0.0' };
  const cases: {
    what: string;
    answer: (req: SeenRequest) => { status: number; headers?: Record<string, string> };
    run: (client: TusClient | FetchTusClient) => Promise<unknown>;
  }[] = [
    {
      what: 'a 307 answer to the creation POST, to another origin',
      answer: (req) =>
        req.method === 'POST'
          ? { status: 307, headers: { Location: `${elsewhere.origin}/files` } }
          : { status: 204, headers: tus },
      run: (c) => c.uploadFile({ input: bytes(1000, 7) }),
    },
    {
      what: 'a 308 answer to a PATCH, on the same origin',
      answer: (req) =>
        req.method === 'POST'
          ? { status: 201, headers: { ...tus, Location: '/files/a' } }
          : req.method === 'PATCH'
            ? { status: 308, headers: { Location: '/files/b' } }
            : { status: 204, headers: tus },
      run: (c) => c.uploadFile({ input: bytes(1000, 8) }),
    },
    {
      what: 'a 302 answer to a HEAD',
      answer: () => ({ status: 302, headers: { Location: `${elsewhere.origin}/files/c` } }),
      run: (c) => c.getUploadInfo(`${hostile.origin}/files/c`),
    },
    {
      what: 'a 301 answer to a DELETE',
      answer: () => ({ status: 301, headers: { Location: `${elsewhere.origin}/files/d` } }),
      run: (c) => c.deleteUpload(`${hostile.origin}/files/d`),
    },
  ];

  it('a Location with a user name and password of its own is a TusUnsafeUrlError, and nothing goes there', async () => {
    script = (req) =>
      req.method === 'POST'
        ? {
            status: 201,
            headers: {
              ...tus,
              Location: `http://someone:hunter2@${new URL(elsewhere.origin).host}/files/x`,
            },
          }
        : { status: 204, headers: tus };
    elsewhere.requests.length = 0;
    const client = new TusClient(`${hostile.origin}/files`, { checksum: false, maxRetries: 0 });
    try {
      await assert.rejects(client.uploadFile({ input: bytes(1000, 6) }), (error) => {
        assert.ok(error instanceof TusUnsafeUrlError, String(error));
        assert.equal(error.reason, 'userinfo');
        assert.ok(!error.message.includes('hunter2'), error.message);
        return true;
      });
      assert.deepEqual(elsewhere.requests, [], listed(elsewhere));
    } finally {
      await client.close();
    }
  });

  for (const entry of ['Node', 'fetch'] as const) {
    for (const c of cases) {
      it(`${entry}: ${c.what} is a TusRedirectError, and nothing reaches the Location`, async () => {
        script = c.answer;
        elsewhere.requests.length = 0;
        const options = { checksum: false, maxRetries: 2, retryDelay: 0, headers: SECRET_HEADERS };
        const client =
          entry === 'Node'
            ? new TusClient(`${hostile.origin}/files`, options)
            : new FetchTusClient(`${hostile.origin}/files`, options);
        try {
          await assert.rejects(c.run(client), (error) => {
            assert.ok(error instanceof TusRedirectError, String(error));
            assert.ok(error instanceof TusError);
            assert.equal(error.code, 'TUS_ERR_REDIRECT');
            assert.match(error.message, /redirect/);
            return true;
          });
          assert.deepEqual(elsewhere.requests, [], listed(elsewhere));
        } finally {
          await client.close();
        }
      });
    }
  }
});
