/** Issue 18.3: the CLI's proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesNoProxy, proxyFromEnv } from '../../../src/cli/proxy-env.js';

describe('proxyFromEnv', () => {
  it('HTTPS_PROXY for https:, HTTP_PROXY for http:, the lower-case name first', () => {
    const env = { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2' };
    assert.deepEqual(proxyFromEnv('https://tus.example/files', env), {
      proxy: 'http://s:1',
      variable: 'HTTPS_PROXY',
    });
    assert.equal(proxyFromEnv('http://tus.example/files', env)?.proxy, 'http://p:2');
    const both = { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:1' };
    assert.deepEqual(proxyFromEnv('https://x/', both), {
      proxy: 'http://low:1',
      variable: 'https_proxy',
    });
  });

  it('none without a variable, with an empty one, or for another scheme', () => {
    assert.equal(proxyFromEnv('https://x/', {}), undefined);
    assert.equal(proxyFromEnv('https://x/', { HTTP_PROXY: 'http://p:1' }), undefined);
    assert.equal(proxyFromEnv('https://x/', { https_proxy: ' ', HTTPS_PROXY: '' }), undefined);
    assert.equal(proxyFromEnv('ftp://x/', { HTTPS_PROXY: 'http://p:1' }), undefined);
  });

  it('a value without a scheme is http://', () => {
    assert.equal(
      proxyFromEnv('https://x/', { HTTPS_PROXY: 'proxy.corp:3128' })?.proxy,
      'http://proxy.corp:3128',
    );
  });

  it('none when NO_PROXY names the host', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost, .internal example.org' };
    assert.equal(proxyFromEnv('https://a.internal/files', env), undefined);
    assert.equal(proxyFromEnv('https://example.org/files', env), undefined);
    assert.equal(proxyFromEnv('https://localhost:8443/files', env), undefined);
    assert.equal(proxyFromEnv('https://example.com/files', env)?.proxy, 'http://p:1');
    assert.equal(
      proxyFromEnv('https://x/', { HTTPS_PROXY: 'http://p:1', no_proxy: '*' }),
      undefined,
    );
  });
});

describe('matchesNoProxy', () => {
  const at = (url: string, list: string) => matchesNoProxy(new URL(url), list);
  it('host names match themselves and their subdomains, not look-alikes', () => {
    assert.ok(at('https://example.com/', 'example.com'));
    assert.ok(at('https://up.example.com/', 'example.com'));
    assert.ok(at('https://up.example.com/', '.example.com'));
    assert.ok(at('https://up.example.com/', '*.example.com'));
    assert.ok(at('https://EXAMPLE.com./', 'example.COM'));
    assert.ok(!at('https://badexample.com/', 'example.com'));
    assert.ok(!at('https://example.com.evil/', 'example.com'));
  });
  it('a port must match when given (default ports count)', () => {
    assert.ok(at('https://example.com/', 'example.com:443'));
    assert.ok(at('http://example.com:8080/', 'example.com:8080'));
    assert.ok(!at('http://example.com/', 'example.com:8080'));
  });
  it('IP addresses, IPv6 in brackets or not, IPv4 ranges', () => {
    assert.ok(at('http://127.0.0.1:1080/', '127.0.0.1'));
    assert.ok(at('http://10.1.2.3/', '10.0.0.0/8'));
    assert.ok(!at('http://11.1.2.3/', '10.0.0.0/8'));
    assert.ok(at('http://192.168.1.9/', '192.168.1.0/24'));
    assert.ok(at('http://[::1]:8080/', '::1'));
    assert.ok(at('http://[::1]:8080/', '[::1]:8080'));
    assert.ok(!at('http://[::1]:8080/', '[::1]:9090'));
    assert.ok(!at('http://127.0.0.1/', '127.0.0.1/33'));
  });
  it('empty entries and lists match nothing', () => {
    assert.ok(!at('http://a/', ''));
    assert.ok(!at('http://a/', ' , ,'));
  });
});
