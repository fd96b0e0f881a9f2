import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { showUrlsIn } from '../../../src/cli/show-url.js';
import { redactUrl } from '../../../src/index.node.js';

describe('cli: what a printed URL may carry (redactUrl, showUrlsIn)', () => {
  it('drops userinfo and masks signed-URL credentials, keeps the rest', () => {
    assert.equal(redactUrl('http://user:secret@h:1080/files/ab'), 'http://h:1080/files/ab');
    assert.equal(
      redactUrl('https://b.example/f/1?X-Amz-Signature=abc&part=2&token=t0k'),
      'https://b.example/f/1?X-Amz-Signature=[redacted]&part=2&token=[redacted]',
    );
    assert.equal(redactUrl('http://h/files/ab?x=1'), 'http://h/files/ab?x=1');
    assert.equal(redactUrl('not a url'), 'not a url');
  });
  it('inside a message too', () => {
    assert.equal(
      showUrlsIn('HEAD http://u:p@h/files/x: 404 Not Found'),
      'HEAD http://h/files/x: 404 Not Found',
    );
  });
});
