/** Issue 18.3: how a request is addressed to the proxy (pure parts of proxy-tunnel.node.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { absoluteFormTarget, proxyRoute } from '../../../src/transport/proxy-tunnel.node.js';

describe('proxyRoute and absoluteFormTarget', () => {
  it('the proxy URL: host, port (80/443 by default), Basic credentials, shown without them', () => {
    const route = proxyRoute('http://us%40er:p%3Ass@proxy.corp:3128');
    assert.equal(route.host, 'proxy.corp');
    assert.equal(route.port, 3128);
    assert.equal(route.authorization, `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    assert.equal(route.shown, 'http://proxy.corp:3128');
    assert.equal(proxyRoute('https://[::1]').host, '::1');
    assert.equal(proxyRoute('https://[::1]').port, 443);
    assert.equal(proxyRoute('http://p').authorization, undefined);
  });

  it("absolute form: the full URL as target, the server's Host, the proxy's credentials", () => {
    const target = new URL('http://tus.example:8080/files/a?x=1');
    const headers = { 'proxy-authorization': 'mine', host: 'elsewhere', A: '1' };
    assert.deepEqual(absoluteFormTarget(proxyRoute('http://u:p@proxy:3128'), target, headers), {
      protocol: 'http:',
      hostname: 'proxy',
      port: 3128,
      path: 'http://tus.example:8080/files/a?x=1',
      headers: { A: '1', Host: 'tus.example:8080', 'Proxy-Authorization': 'Basic dTpw' },
    });
    // No credentials in the proxy URL: the caller's own Proxy-Authorization is for the proxy.
    assert.equal(
      absoluteFormTarget(proxyRoute('http://proxy'), target, headers).headers[
        'proxy-authorization'
      ],
      'mine',
    );
  });
});
