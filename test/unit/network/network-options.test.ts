/**
 * Issue 18.3: the network options are checked when the client is made: `proxy`, `agents`,
 * `ca`, `cert`, `key`, `credentials`, `overridePatchMethod`, `addRequestId`, and the
 * per-call `headers`/`endpoint`; a proxy's password never appears in a message.
 */
import assert from 'node:assert/strict';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { describe, it } from 'node:test';
import { TusClient } from '../../../src/index.node.js';
import { checkNetworkOptions } from '../../../src/network-options.node.js';
import { DEFAULTS, validateClientOptions as validateAnywhere } from '../../../src/options.js';

/** As the Node entry validates them. */
const validateClientOptions = (options: unknown) => validateAnywhere(options, checkNetworkOptions);

import { FetchTransport } from '../../../src/transport/fetch-transport.js';

const endpoint = 'http://127.0.0.1:1/files';

describe('network options', () => {
  it('defaults: no proxy, no agents, no TLS material, same-origin, PATCH as PATCH, no request ids', () => {
    const o = validateClientOptions({});
    assert.equal(o.proxy, undefined);
    assert.equal(o.agents, undefined);
    assert.equal(o.ca, undefined);
    assert.equal(o.cert, undefined);
    assert.equal(o.credentials, 'same-origin');
    assert.equal(o.credentials, DEFAULTS.credentials);
    assert.equal(o.overridePatchMethod, false);
    assert.equal(o.addRequestId, false);
    assert.equal(o.verifyTlsCert, true);
  });

  it('keeps what is well formed', () => {
    const agent = new HttpsAgent();
    const o = validateClientOptions({
      proxy: 'http://u:p@proxy:3128',
      ca: ['a', Buffer.from('b')],
      cert: 'c',
      key: Buffer.from('k'),
      credentials: 'include',
      overridePatchMethod: true,
      addRequestId: true,
    });
    assert.equal(o.proxy, 'http://u:p@proxy:3128');
    assert.equal((o.ca as unknown[]).length, 2);
    assert.equal(o.credentials, 'include');
    assert.equal(validateClientOptions({ agents: { https: agent } }).agents?.https, agent);
    agent.destroy();
  });

  const rejected: [string, Record<string, unknown>, RegExp][] = [
    ['proxy not a string', { proxy: 3128 }, /proxy must be a URL string/],
    ['proxy not a URL', { proxy: 'proxy:3128' }, /proxy must be an http: or https: URL/],
    ['proxy socks', { proxy: 'socks5://proxy:1080' }, /proxy must be an http: or https: URL/],
    [
      'agents not an object',
      { agents: new HttpAgent() },
      /agents takes \{ http, https \}, not an Agent/,
    ],
    ['agents.http a string', { agents: { http: 'x' } }, /agents\.http must be a node:http Agent/],
    ['agents unknown key', { agents: { http2: {} } }, /agents: unknown option "http2"/],
    [
      'proxy with agents',
      { proxy: 'http://p:1', agents: { http: new HttpAgent() } },
      /proxy and agents cannot be combined/,
    ],
    [
      'ca with agents.https',
      { ca: 'x', agents: { https: new HttpsAgent() } },
      /ca cannot be combined with agents\.https/,
    ],
    [
      'verifyTlsCert false with agents.https',
      { verifyTlsCert: false, agents: { https: new HttpsAgent() } },
      /verifyTlsCert: false cannot be combined/,
    ],
    ['cert without key', { cert: 'c' }, /cert and key go together.*only cert/],
    ['key without cert', { key: 'k' }, /cert and key go together.*only key/],
    ['ca empty string', { ca: '  ' }, /ca must be PEM text/],
    ['ca empty array', { ca: [] }, /ca must not be an empty array/],
    ['ca a number', { ca: [1] }, /ca must be PEM text/],
    ['key empty bytes', { cert: 'c', key: new Uint8Array(0) }, /key must not be empty/],
    [
      'credentials omit',
      { credentials: 'omit' },
      /credentials must be 'same-origin' or 'include'.*XMLHttpRequest/,
    ],
    ['credentials true', { credentials: true }, /credentials must be/],
    ['overridePatchMethod 1', { overridePatchMethod: 1 }, /overridePatchMethod must be a boolean/],
    ['addRequestId "yes"', { addRequestId: 'yes' }, /addRequestId must be a boolean/],
  ];
  for (const [what, options, message] of rejected) {
    it(`refuses ${what} with a TypeError`, () => {
      assert.throws(
        () => validateClientOptions(options),
        (error: Error) => {
          assert.ok(error instanceof TypeError, error.name);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("never shows a proxy's password or a key in a message", () => {
    assert.throws(
      () => validateClientOptions({ proxy: 'ftp://user:hunter2@proxy' }),
      (error: Error) => !error.message.includes('hunter2') && !error.message.includes('user:'),
    );
    assert.throws(
      () => validateClientOptions({ cert: '-----BEGIN CERT', key: 123 }),
      (error: Error) => !error.message.includes('BEGIN'),
    );
  });

  it('the fetch transport refuses the Node-only ones (a browser has its own)', () => {
    for (const options of [
      { proxy: 'http://p:1' },
      { agents: {} },
      { tls: { ca: 'x' } },
      { tls: { cert: 'c', key: 'k' } },
    ]) {
      assert.throws(
        () => new FetchTransport({ verifyTlsCert: true, ...options }),
        /not available with fetch/,
      );
    }
  });
});

describe('per-call headers and endpoint', () => {
  const client = new TusClient(endpoint);
  it('checks them like the client options', async () => {
    await assert.rejects(
      client.uploadFile({ input: new Uint8Array(1), headers: { 'Bad Name': 'x' } }),
      /headers: "Bad Name" is not a header name/,
    );
    await assert.rejects(
      client.uploadFile({ input: new Uint8Array(1), headers: { A: 'x\r\nB: y' } }),
      /must not contain CR, LF or NUL/,
    );
    await assert.rejects(
      client.resumeUpload({
        uploadUrl: `${endpoint}/x`,
        input: new Uint8Array(1),
        headers: { A: 1 as unknown as string },
      }),
      /the value of A must be a string/,
    );
    await assert.rejects(
      client.uploadFile({ input: new Uint8Array(1), endpoint: 'ftp://x/files' }),
      /endpoint must be an http\(s\) URL/,
    );
    await assert.rejects(
      client.resumeUpload({
        uploadUrl: `${endpoint}/x`,
        input: new Uint8Array(1),
        endpoint,
      } as never),
      /unknown option "endpoint"/,
    );
  });
});
