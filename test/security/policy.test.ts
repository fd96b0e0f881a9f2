/**
 * The pure parts of issue 16: the credential policy's decisions, the new options'
 * validation, Location checks and the shared abort listener.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { watchAbort } from '../../src/abort.js';
import { TusClient, TusRedirectError, TusUnsafeUrlError } from '../../src/index.node.js';
import { validateClientOptions } from '../../src/options.js';
import { resolveLocation } from '../../src/protocol/location.js';
import { CredentialPolicy } from '../../src/upload/credential-policy.js';

const policy = (endpoint: string, options: Parameters<typeof validateClientOptions>[0] = {}) =>
  new CredentialPolicy(endpoint, validateClientOptions(options));

const HEADERS = {
  authorization: 'a',
  COOKIE: 'c',
  'Proxy-Authorization': 'p',
  'X-Api-Key': 'k',
  'Tus-Resumable': '1.0.0',
};

describe('CredentialPolicy', () => {
  it('keeps every header for the endpoint origin (default ports included)', () => {
    const p = policy('https://tus.example.com/files', { sensitiveHeaders: ['x-api-key'] });
    assert.deepEqual(p.headersFor('https://tus.example.com:443/files/ab', HEADERS), HEADERS);
  });

  it('drops credentials, whatever their case, for another origin (scheme, host or port)', () => {
    const p = policy('https://tus.example.com/files', { sensitiveHeaders: ['X-API-KEY'] });
    for (const other of [
      'http://tus.example.com/files/ab',
      'https://cdn.example.com/files/ab',
      'https://tus.example.com:8443/files/ab',
      'not a url',
    ]) {
      assert.deepEqual(p.headersFor(other, HEADERS), { 'Tus-Resumable': '1.0.0' }, other);
    }
  });

  it("'any-origin' and a list of origins let them through", () => {
    assert.deepEqual(
      policy('https://a.example/files', { sendCredentialsTo: 'any-origin' }).headersFor(
        'https://b.example/x',
        HEADERS,
      ),
      HEADERS,
    );
    const listed = policy('https://a.example/files', {
      sendCredentialsTo: ['https://b.example/ignored/path'],
    });
    assert.equal(listed.headersFor('https://b.example/x', HEADERS).authorization, 'a');
    assert.equal(listed.headersFor('https://c.example/x', HEADERS).authorization, undefined);
  });

  it('refuses an http: target of an https: endpoint, and only that', () => {
    const p = policy('https://a.example/files');
    assert.throws(() => p.checkTarget('PATCH', 'http://a.example/files/x'), TusUnsafeUrlError);
    p.checkTarget('PATCH', 'https://b.example/files/x');
    policy('http://a.example/files').checkTarget('PATCH', 'http://b.example/files/x');
  });

  it('turns 301, 302, 303, 307 and 308 into a TusRedirectError naming the (redacted) Location', () => {
    const p = policy('https://a.example/files');
    for (const status of [301, 302, 303, 307, 308]) {
      assert.throws(
        () =>
          p.checkResponse('POST', 'https://a.example/files', {
            status,
            headers: { location: 'https://b.example/up?sig=s3cr3t' },
            body: '',
          }),
        (error: unknown) => {
          assert.ok(error instanceof TusRedirectError);
          assert.equal(error.status, status);
          assert.equal(error.location, 'https://b.example/up?sig=[redacted]');
          assert.ok(!error.message.includes('s3cr3t'));
          return true;
        },
      );
    }
    for (const status of [200, 204, 304, 404]) {
      p.checkResponse('HEAD', 'https://a.example/files/x', { status, headers: {}, body: '' });
    }
  });
});

describe('the new options', () => {
  const bad: [string, unknown, RegExp][] = [
    ['sendCredentialsTo', 'everyone', /sendCredentialsTo must be/],
    ['sendCredentialsTo', ['ftp://x'], /not an http\(s\) origin/],
    ['sendCredentialsTo', [42], /not an http\(s\) origin/],
    ['sensitiveHeaders', 'X-Key', /sensitiveHeaders must be an array/],
    ['sensitiveHeaders', ['bad header'], /not a header name/],
  ];
  for (const [name, value, message] of bad) {
    it(`${name}: ${JSON.stringify(value)} is a TypeError at construction`, () => {
      assert.throws(
        () => new TusClient('http://h/files', { [name]: value }),
        (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('defaults: endpoint-origin, no extra sensitive header', () => {
    const o = validateClientOptions({});
    assert.equal(o.sendCredentialsTo, 'endpoint-origin');
    assert.deepEqual(o.sensitiveHeaders, []);
  });
});

describe('resolveLocation', () => {
  it('keeps the request URL’s own user name and password on a relative Location', () => {
    assert.equal(
      resolveLocation('/files/ab', 'https://u:p@h.example/files'),
      'https://u:p@h.example/files/ab',
    );
  });

  it('refuses new userinfo, and the request’s own on another origin', () => {
    for (const location of ['https://x:y@h.example/files/ab', 'https://u:p@other.example/ab']) {
      assert.throws(
        () => resolveLocation(location, 'https://u:p@h.example/files'),
        (e: unknown) => e instanceof TusUnsafeUrlError && e.reason === 'userinfo',
      );
    }
  });

  it('refuses http: for an https: request; allows https: for an http: one', () => {
    assert.throws(
      () => resolveLocation('http://h.example/ab', 'https://h.example/files'),
      (e: unknown) => e instanceof TusUnsafeUrlError && e.reason === 'downgrade',
    );
    assert.equal(resolveLocation('https://h/ab', 'http://h/files'), 'https://h/ab');
  });
});

describe('watchAbort', () => {
  it('one listener on the signal for any number of watches, none once they stop', () => {
    const controller = new AbortController();
    const stops = Array.from({ length: 50 }, () => watchAbort(controller.signal, () => {}));
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    for (const stop of stops) stop();
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('calls each watcher once on abort, and not the stopped ones', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    watchAbort(controller.signal, () => calls.push('a'));
    const stopB = watchAbort(controller.signal, () => calls.push('b'));
    const same = () => calls.push('twice');
    watchAbort(controller.signal, same);
    watchAbort(controller.signal, same);
    watchAbort(controller.signal, () => calls.push('c'));
    stopB();
    controller.abort();
    controller.abort();
    assert.deepEqual(calls, ['a', 'twice', 'twice', 'c']);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    assert.equal(watchAbort(controller.signal, () => calls.push('late'))(), undefined);
    assert.deepEqual(calls, ['a', 'twice', 'twice', 'c'], 'an aborted signal calls no one');
  });
});
