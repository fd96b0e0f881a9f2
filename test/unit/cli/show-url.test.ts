import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { showUrl, showUrlsIn } from '../../../src/cli/show-url.js';

describe('cli showUrl: what a printed URL may carry', () => {
  it('drops userinfo and masks signed-URL credentials, keeps the rest', () => {
    assert.equal(showUrl('http://user:secret@h:1080/files/ab'), 'http://h:1080/files/ab');
    assert.equal(
      showUrl('https://b.example/f/1?X-Amz-Signature=abc&part=2&token=t0k'),
      'https://b.example/f/1?X-Amz-Signature=REDACTED&part=2&token=REDACTED',
    );
    assert.equal(showUrl('http://h/files/ab?x=1'), 'http://h/files/ab?x=1');
    assert.equal(showUrl('not a url'), 'not a url');
  });
  it('inside a message too', () => {
    assert.equal(
      showUrlsIn('HEAD http://u:p@h/files/x: 404 Not Found'),
      'HEAD http://h/files/x: 404 Not Found',
    );
  });
});
