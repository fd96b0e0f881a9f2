/** `credentialScope` (issue 25.3) and the hints' "may a second run pass" (issue 25.10). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayPassAgain, notCreatedHint } from '../../../src/cli/batch/hints.js';
import { credentialScope } from '../../../src/cli/credential-scope.js';
import {
  TusCommunicationError,
  TusInputError,
  TusNetworkError,
  TusProtocolError,
  TusUploadFailed,
} from '../../../src/index.node.js';

const URL_B = 'https://storage.example/files/ab';
const A = 'https://api.example/files/';
const flags = {
  header: ['Authorization: Bearer t', 'cookie: s=1', 'Proxy-Authorization: Basic x', 'X-Trace: 1'],
};

describe('credentialScope', () => {
  it('--endpoint first, then the stored endpoint, then a URL the user typed', () => {
    assert.equal(
      credentialScope(URL_B, { given: A, stored: 'https://c/', named: true }, flags).endpoint,
      A,
    );
    assert.equal(credentialScope(URL_B, { stored: A, named: true }, flags).endpoint, A);
    const named = credentialScope(URL_B, { named: true }, flags);
    assert.equal(named.endpoint, 'https://storage.example/files/');
    assert.deepEqual(named.withheld, []);
    assert.equal(named.flags, flags);
  });

  it('an old entry found through the store alone: its requests carry no credential header', () => {
    const scope = credentialScope(URL_B, { named: false }, flags);
    assert.equal(scope.endpoint, 'https://storage.example/files/');
    assert.deepEqual(scope.withheld, ['Authorization', 'cookie', 'Proxy-Authorization']);
    assert.deepEqual(scope.flags.header, ['X-Trace: 1']);
  });

  it('a bad header is kept, so that the usual usage error names it later', () => {
    const scope = credentialScope(URL_B, { named: false }, { header: ['no colon'] });
    assert.deepEqual(scope.flags.header, ['no colon']);
  });
});

describe('mayPassAgain and notCreatedHint', () => {
  const status = (code: number) =>
    new TusCommunicationError(`POST ${A}: ${code}`, { method: 'POST', url: A, status: code });

  it('a second run may pass after the network, a timeout-like status or a 5xx but 501', () => {
    for (const code of [408, 423, 429, 500, 502, 503, 504])
      assert.ok(mayPassAgain(status(code)), String(code));
    assert.ok(mayPassAgain(new TusNetworkError('ECONNREFUSED')));
    const failed = new TusUploadFailed('upload failed after 3 attempts', { cause: status(503) });
    assert.ok(mayPassAgain(failed), 'retries ran out on a 503');
  });

  it('not after an answer that will be the same, nor an error that is not a server one', () => {
    for (const code of [400, 401, 403, 404, 405, 413, 501])
      assert.ok(!mayPassAgain(status(code)), String(code));
    assert.ok(!mayPassAgain(new TusInputError('no such file')));
    assert.ok(!mayPassAgain(new Error('ENOENT')));
    assert.ok(!mayPassAgain(new TusProtocolError('no Location', { status: 201 })));
  });

  it('each hint says what to check', () => {
    assert.match(
      notCreatedHint('f', status(404), A),
      /does not look like a tus endpoint; check the endpoint URL/,
    );
    assert.match(notCreatedHint('f', status(401), A), /check the credentials/);
    assert.match(notCreatedHint('f', status(413), A), /takes no file this large/);
    assert.match(
      notCreatedHint('f', new TusProtocolError('no Location', { status: 201 }), A),
      /did not answer as a tus server does: check the endpoint URL/,
    );
    assert.match(
      notCreatedHint('f', new TusNetworkError('reset'), A),
      /run the same command again$/,
    );
  });
});
