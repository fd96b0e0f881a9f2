/**
 * Issue 25.1: how a proxy's answer to `CONNECT` is read: whatever the packets, bare LF line
 * endings, interim answers skipped, anything not HTTP/1.x or past the bound refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConnectAnswer } from '../../../src/transport/connect-answer.js';

describe('readConnectAnswer', () => {
  const read = (text: string) => readConnectAnswer(Buffer.from(text, 'latin1'));
  it('waits for the end of the head, whatever the packets', () => {
    assert.deepEqual(read('HTTP/1.1 200 OK\r\n'), { kind: 'incomplete' });
    assert.deepEqual(read('HTTP/1.1 200 OK\r\n\r'), { kind: 'incomplete' });
    assert.deepEqual(read('HTTP/1.1 200 OK\n'), { kind: 'incomplete' });
    assert.deepEqual(read('HTTP/1.1 200 OK\r\n\r\n'), {
      kind: 'answer',
      status: 200,
      reason: 'OK',
      headEnd: 19,
    });
    assert.deepEqual(read('HTTP/1.1 200 OK\n\nrest'), {
      kind: 'answer',
      status: 200,
      reason: 'OK',
      headEnd: 17,
    });
  });
  it('skips interim answers but not 101', () => {
    const answer = read('HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 204\r\n\r\n');
    assert.equal(answer.kind === 'answer' && answer.status, 204);
    assert.equal(read('HTTP/1.1 101 Switching\r\n\r\n').kind === 'answer', true);
    assert.deepEqual(read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2'), { kind: 'incomplete' });
  });
  it('refuses what is not HTTP/1.x and heads past the bound', () => {
    assert.equal(read('HTTP/2 200\r\n\r\n').kind, 'not-http');
    assert.equal(read('\r\n\r\n').kind, 'not-http');
    assert.equal(read('HTTP/1.1 2000 OK\r\n\r\n').kind, 'not-http');
    assert.equal(read(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(20_000)}`).kind, 'too-large');
    assert.equal(read(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`).kind, 'too-large');
    assert.equal(read('HTTP/1.1 200 OK\r\r\r\r').kind, 'incomplete');
    // A bare CR is no line ending (RFC 9112 §2.2): not part of a status line either.
    assert.equal(read('HTTP/1.1 200 OK\r\r\n\r\n').kind, 'not-http');
  });
});
