/**
 * Issue 15, point 4: the server's memory does not grow with every upload ever created.
 * 50,000 creations with 4 KiB of metadata each into a server child (count-bounded, not
 * timed): after them its heap is within a few MiB of the heap after the first 10,000 (the
 * record cache is full by then), its RSS within the allocator's noise (an unbounded cache
 * would add ~170 MiB), and the cache holds at most `recordCacheSize` records.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ServerChild, startServerChild } from '../integration/server/fixtures/server-child.js';

const TOTAL = 50_000;
const WARM = 10_000;
const PARALLEL = 8;
const BATCH = 20;
const MiB = 1024 * 1024;
const METADATA = `filename ${Buffer.from('x'.repeat(3000)).toString('base64')}`;

describe('memory over 50,000 creations', { timeout: 300_000 }, () => {
  let directory: string;
  let child: ServerChild;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'server-memory-'));
    child = await startServerChild(directory, { ipc: true, options: { fsync: false } });
  });
  after(async () => {
    await child?.kill();
    await rm(directory, { recursive: true, force: true });
  });

  /** `count` creations on one keep-alive connection, pipelined `BATCH` at a time (a cheap client). */
  async function createOnOneSocket(count: number): Promise<void> {
    const { hostname, port, pathname } = new URL(child.endpoint);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const one =
      `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nTus-Resumable: 1.0.0\r\n` +
      `Upload-Length: 100\r\nUpload-Metadata: ${METADATA}\r\nContent-Length: 0\r\n\r\n`;
    let seen = 0;
    let tail = '';
    let wake: () => void = () => {};
    let fail: (error: Error) => void = () => {};
    // One listener for the socket's whole life (one per wait would pile up past ten).
    socket.once('close', () => fail(new Error(`closed after ${seen} answers`)));
    socket.setEncoding('latin1').on('data', (text: string) => {
      const joined = tail + text;
      const heads = joined.split('HTTP/1.1 ');
      for (const head of heads.slice(1, -1)) {
        if (!head.startsWith('201')) throw new Error(`POST: ${head.slice(0, 80)}`);
        seen++;
      }
      tail = `HTTP/1.1 ${heads.at(-1) ?? ''}`;
      if (tail.startsWith('HTTP/1.1 201') && tail.includes('\r\n\r\n')) {
        seen++;
        tail = '';
      }
      wake();
    });
    try {
      for (let sent = 0; sent < count; ) {
        const batch = Math.min(BATCH, count - sent);
        socket.write(one.repeat(batch));
        sent += batch;
        while (seen < sent) {
          await new Promise<void>((resolve, reject) => {
            wake = resolve;
            fail = reject;
          });
        }
      }
    } finally {
      socket.destroy();
    }
  }

  async function createMany(count: number): Promise<void> {
    const each = Math.ceil(count / PARALLEL);
    await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        createOnOneSocket(Math.min(each, count - i * each)),
      ),
    );
  }

  it('RSS stays flat once the record cache is full', async () => {
    await createMany(WARM);
    const warm = await child.memory();
    await createMany((TOTAL - WARM) / 2);
    const mid = await child.memory();
    await createMany((TOTAL - WARM) / 2);
    const done = await child.memory();
    const grown = (done.rss - warm.rss) / MiB;
    console.error(
      `server-memory: rss after ${WARM} ${(warm.rss / MiB).toFixed(1)} MiB (heap ${(warm.heapUsed / MiB).toFixed(1)}), after ${(WARM + TOTAL) / 2} ${(mid.rss / MiB).toFixed(1)} MiB, after ${TOTAL} ${(done.rss / MiB).toFixed(1)} MiB (+${grown.toFixed(1)}), heap ${(done.heapUsed / MiB).toFixed(1)} MiB, cached records ${done.cachedRecords}`,
    );
    // 40,000 more records of ~4.5 KiB would be ~170 MiB more; a bounded cache keeps the heap
    // flat, and RSS within the noise of the allocator.
    const heapGrown = (done.heapUsed - warm.heapUsed) / MiB;
    assert.ok(
      heapGrown < 8,
      `heap grew by ${heapGrown.toFixed(1)} MiB over ${TOTAL - WARM} more creations`,
    );
    assert.ok(
      grown < 48,
      `RSS grew by ${grown.toFixed(1)} MiB over ${TOTAL - WARM} more creations`,
    );
    assert.ok(done.cachedRecords <= 1000, `cached records: ${done.cachedRecords}`);
  });
});
