/** The request clock (`timeout` as inactivity, the answer's deadline, `requestTimeout`), scripted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TusStallError, TusTimeoutError } from '../../../src/errors/index.js';
import {
  ASSUMED_MIN_RATE,
  drainAllowanceMs,
  OS_BUFFER_BYTES,
  RequestWatchdog,
} from '../../../src/transport/request-watchdog.js';

const details = { method: 'PATCH', url: 'http://tus.test/files/a' };

function watch(timeout: number, requestTimeout?: number) {
  let now = 0;
  const expired: Error[] = [];
  const dog = new RequestWatchdog({
    details,
    timeout,
    requestTimeout,
    onExpire: (error) => expired.push(error),
    now: () => now,
  });
  return {
    dog,
    expired,
    at(ms: number) {
      now = ms;
      dog.check();
    },
  };
}

describe('RequestWatchdog', () => {
  it('a body that keeps moving never times out, however long it takes', () => {
    const w = watch(1000);
    for (let t = 0; t <= 100_000; t += 900) {
      w.dog.alive();
      w.at(t);
    }
    assert.equal(w.expired.length, 0);
    w.dog.stop();
  });

  it('no byte moving for timeout while sending: a TusStallError', () => {
    const w = watch(1000);
    w.at(500);
    w.dog.alive();
    w.at(1400);
    assert.equal(w.expired.length, 0);
    w.at(1500);
    assert.equal(w.expired.length, 1);
    assert.ok(w.expired[0] instanceof TusStallError);
    assert.match(w.expired[0]!.message, /no data moved for 1000 ms \(timeout\) while sending/);
  });

  it('once sent, the whole answer is due within timeout + the drain allowance', () => {
    const w = watch(1000);
    w.at(100);
    w.dog.sent(2000);
    w.at(2000);
    w.dog.answered();
    w.dog.alive(); // a trickling answer does not extend the deadline
    w.at(3099);
    assert.equal(w.expired.length, 0);
    w.at(3100);
    assert.ok(w.expired[0] instanceof TusTimeoutError);
    assert.ok(!(w.expired[0] instanceof TusStallError));
    assert.match(w.expired[0]!.message, /the answer did not complete within 1000 ms/);
  });

  it('no answer at all: "no answer came"', () => {
    const w = watch(300);
    w.dog.sent();
    w.at(300);
    assert.match(w.expired[0]!.message, /no answer came within 300 ms/);
  });

  it('expires once, and never after stop()', () => {
    const w = watch(100);
    w.at(150);
    w.at(500);
    assert.equal(w.expired.length, 1);
    const v = watch(100);
    v.dog.stop();
    v.at(1000);
    assert.equal(v.expired.length, 0);
  });

  it('requestTimeout caps the whole request even while bytes move', async () => {
    const expired: Error[] = [];
    const dog = new RequestWatchdog({
      details,
      timeout: Number.POSITIVE_INFINITY,
      requestTimeout: 20,
      onExpire: (error) => expired.push(error),
    });
    const life = setInterval(() => dog.alive(), 2);
    await new Promise((resolve) => setTimeout(resolve, 80));
    clearInterval(life);
    dog.stop();
    assert.equal(expired.length, 1);
    assert.match(expired[0]!.message, /took longer than requestTimeout \(20 ms\)/);
  });

  it('the drain allowance: the buffered part of the body at the rate seen', () => {
    assert.equal(drainAllowanceMs(0, 1000), 0);
    assert.equal(drainAllowanceMs(1000, undefined), 1000 / ASSUMED_MIN_RATE);
    assert.equal(drainAllowanceMs(64 * OS_BUFFER_BYTES, 1000), OS_BUFFER_BYTES / 1000);
    // A rate below the assumed minimum is not believed (it would allow for ever).
    assert.equal(drainAllowanceMs(1000, 0.001), 1000 / ASSUMED_MIN_RATE);
  });
});
