/** Which statuses are retried, and the backoff. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TusCommunicationError,
  TusNetworkError,
  TusProtocolError,
} from '../../../src/errors/index.js';
import { isRetryable, MAX_RETRY_DELAY, retryDelayFor } from '../../../src/upload/retry-policy.js';

const answered = (status: number) => new TusCommunicationError(`status ${status}`, { status });

describe('isRetryable', () => {
  it('retries 5xx, 409, 423, 429, 460 and network errors', () => {
    for (const status of [500, 502, 503, 504, 409, 423, 429, 460]) {
      assert.equal(isRetryable(answered(status)), true, String(status));
    }
    assert.equal(isRetryable(new TusNetworkError('reset')), true);
  });

  it('does not retry other 4xx, 501 Not Implemented, 505, protocol errors', () => {
    for (const status of [400, 403, 404, 410, 413, 415, 501, 505]) {
      assert.equal(isRetryable(answered(status)), false, String(status));
    }
    assert.equal(isRetryable(new TusProtocolError('bad header')), false);
    assert.equal(isRetryable(new Error('plain')), false);
  });
});

describe('retryDelayFor', () => {
  it('doubles per attempt, jitters between half and all, caps at 60 s, honours Retry-After', () => {
    assert.equal(
      retryDelayFor(1, 1000, undefined, () => 1),
      1000,
    );
    assert.equal(
      retryDelayFor(3, 1000, undefined, () => 1),
      4000,
    );
    assert.equal(
      retryDelayFor(3, 1000, undefined, () => 0),
      2000,
    );
    assert.equal(
      retryDelayFor(40, 1000, undefined, () => 1),
      MAX_RETRY_DELAY,
    );
    assert.ok(retryDelayFor(1, 1000, 5000, () => 0) >= 5000);
    assert.equal(retryDelayFor(5, 0, undefined), 0);
  });
});
