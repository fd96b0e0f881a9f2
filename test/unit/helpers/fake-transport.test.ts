/**
 * The scripted FakeTransport watches a request's signal as the real transports do (one
 * listener per signal, gone when the request ends), so that the unit tests that run many
 * requests under one signal print no `MaxListenersExceededWarning` (issue 31, a clean log:
 * the parallel-upload unit tests printed five).
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import type { HttpRequest } from '../../../src/transport/http-transport.js';
import { FakeTransport } from '../../helpers/fake-transport.js';

/** The warnings emitted while `work` runs (and one turn after it). */
async function warningsDuring(work: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
  process.on('warning', listener);
  try {
    await work();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

const request = (signal: AbortSignal): HttpRequest => ({
  method: 'HEAD',
  url: 'http://x/files/1',
  headers: {},
  signal,
  timeout: 30_000,
});

describe('FakeTransport and a shared signal', () => {
  it('twelve requests at once under one signal: no warning, no listener left', async () => {
    const controller = new AbortController();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    const transport = new FakeTransport(async () => {
      if (++arrived === 12) release();
      await gate;
      return { status: 200 };
    });
    const warnings = await warningsDuring(async () => {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => transport.request(request(controller.signal))),
      );
      assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    });
    assert.deepEqual(warnings, []);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('twelve requests one after another under one signal: no listener left behind', async () => {
    const controller = new AbortController();
    const transport = new FakeTransport(() => ({ status: 204 }));
    const warnings = await warningsDuring(async () => {
      for (let i = 0; i < 12; i++) await transport.request(request(controller.signal));
    });
    assert.deepEqual(warnings, []);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('an abort still ends a request in flight with the signal reason', async () => {
    const controller = new AbortController();
    const transport = new FakeTransport(() => new Promise(() => {}));
    const pending = transport.request(request(controller.signal));
    controller.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});
