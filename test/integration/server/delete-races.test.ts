/**
 * Issue 15, point 2: a DELETE racing other requests never brings an upload back. Each
 * interleaving is repeated a bounded number of times, and after every DELETE answered 204
 * the invariant is checked: HEAD and PATCH say 404 or 410, and neither the data file nor
 * the info file exists, then or after the racing request ended.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep, setImmediate as tick } from 'node:timers/promises';
import { createTusServer, type TusServer } from '../../../src/server/index.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';
import { create, patch, type RawResponse, send, TUS } from '../../helpers/raw-http.js';
import { idOf, MiB, openPatch } from './fixtures/by-hand.js';
import { type FaultyFs, faultyFs } from './fixtures/faulty-fs.js';

const ROUNDS = 30;
const GONE = [404, 410];

/** The invariant after a DELETE's 204: the upload answers 404/410 and has no file left. */
async function assertGone(url: string, directory: string, when: string): Promise<void> {
  const head = await send('HEAD', url, { headers: TUS });
  assert.ok(GONE.includes(head.status), `${when}: HEAD answered ${head.status}`);
  const again = await patch(url, 0, 'x');
  assert.ok(GONE.includes(again.status), `${when}: PATCH answered ${again.status}`);
  const id = idOf(url);
  assert.equal(existsSync(join(directory, id)), false, `${when}: the data file came back`);
  assert.equal(
    existsSync(join(directory, `${id}.json`)),
    false,
    `${when}: the info file came back`,
  );
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    () => undefined,
  );

describe('DELETE racing PATCH and HEAD', () => {
  let server: StartedOurServer;
  before(async () => {
    server = await startOurServer({ fsync: false });
  });
  after(() => server.close());

  it(`DELETE during a PATCH body, with HEADs around it (${ROUNDS} rounds, growing prefixes)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const url = await create(server.endpoint, { 'Upload-Length': String(MiB) });
      const writing = openPatch(url, 0, MiB);
      await writing.write(randomBytes(1 + ((round * 37_003) % 400_000)));
      const heads = [0, 1, 2].map(() => settle(send('HEAD', url, { headers: TUS })));
      const deleted = await send('DELETE', url, { headers: TUS });
      assert.equal(deleted.status, 204, `round ${round}`);
      await assertGone(url, server.directory, `round ${round}, right after the 204`);
      writing.cut();
      await settle(writing.answer);
      await Promise.all(heads);
      await assertGone(url, server.directory, `round ${round}, once the PATCH ended`);
    }
  });

  it(`PATCH and DELETE sent together, DELETE 0–5 ticks later (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const body = randomBytes(64 * 1024);
      const url = await create(server.endpoint, { 'Upload-Length': String(body.length) });
      const patched = settle(patch(url, 0, body));
      for (let i = 0; i < round % 6; i++) await tick();
      const deleted = await send('DELETE', url, { headers: TUS });
      await patched;
      assert.ok([204, 404].includes(deleted.status), `round ${round}: ${deleted.status}`);
      await assertGone(url, server.directory, `round ${round}`);
    }
  });

  it(`PATCH resuming right after a DELETE's 204 gets 404 (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const url = await create(server.endpoint, { 'Upload-Length': '100' });
      assert.equal((await patch(url, 0, 'x'.repeat(10))).status, 204);
      const deleting = send('DELETE', url, { headers: TUS });
      const racing = [
        settle(patch(url, 10, 'y'.repeat(90))),
        settle(send('HEAD', url, { headers: TUS })),
      ];
      assert.equal((await deleting).status, 204);
      await Promise.all(racing);
      await assertGone(url, server.directory, `round ${round}`);
    }
  });
});

describe('DELETE racing a HEAD on a cold record cache (a restarted server)', () => {
  it(`HEAD and DELETE together leave no stale record behind (${ROUNDS} uploads)`, async () => {
    const directory = await mkdtemp(join(tmpdir(), 'cold-cache-'));
    const first = createTusServer({ directory, fsync: false });
    let second: TusServer | undefined;
    try {
      const endpoint = await first.listen();
      const urls: string[] = [];
      for (let i = 0; i < ROUNDS; i++) urls.push(await create(endpoint, { 'Upload-Length': '5' }));
      await first.close();
      second = createTusServer({ directory, fsync: false });
      const restarted = await second.listen();
      for (const [round, old] of urls.entries()) {
        const url = new URL(new URL(old).pathname, restarted).href;
        // HEADs read the info file (nothing cached yet) while the DELETE removes it.
        const early = settle(send('HEAD', url, { headers: TUS }));
        for (let i = 0; i < round % 3; i++) await tick();
        const deleting = send('DELETE', url, { headers: TUS });
        const heads = [
          early,
          ...[0, 1, 2, 3, 4, 5, 6, 7].map(() => settle(send('HEAD', url, { headers: TUS }))),
        ];
        assert.equal((await deleting).status, 204);
        await Promise.all(heads);
        await assertGone(url, directory, `upload ${round}`);
      }
    } finally {
      await first.close();
      await second?.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('DELETE of a final upload while its parts are copied', () => {
  let server: StartedOurServer;
  let faults: FaultyFs;
  const finished: string[] = [];
  before(async () => {
    faults = faultyFs();
    server = await startOurServer({
      fsync: false,
      fileSystem: faults.fs,
      onUploadFinish: (upload) => {
        finished.push(upload.id);
      },
    });
  });
  after(() => server.close());

  it('at each of the copy steps: no 201 after the DELETE, no final left, no onUploadFinish', async () => {
    const parts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const url = await create(server.endpoint, {
        'Upload-Concat': 'partial',
        'Upload-Length': String(2 * MiB),
      });
      assert.equal((await patch(url, 0, randomBytes(2 * MiB))).status, 204);
      parts.push(url);
    }
    const header = `final;${parts.join(' ')}`;
    // 3 parts of 2 MiB are 6 writes of 1 MiB: the DELETE comes before each of them.
    for (let step = 1; step <= 6; step++) {
      let finalId: string | undefined;
      let writes = 0;
      let release: () => void = () => {};
      const paused = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reached: () => void = () => {};
      const atStep = new Promise<void>((resolve) => {
        reached = resolve;
      });
      faults.gate = (op) => {
        const [kind, file] = op.split(' ');
        if (kind !== 'write' || file === undefined || /json/.test(file)) return undefined;
        finalId ??= file;
        if (file !== finalId || ++writes !== step) return undefined;
        reached();
        return paused;
      };
      const order: string[] = [];
      const posted = send('POST', server.endpoint, {
        headers: { ...TUS, 'Upload-Concat': header },
      }).then((response: RawResponse) => {
        order.push(`POST ${response.status}`);
        return response;
      });
      await atStep;
      const url = `${server.endpoint}/${finalId}`;
      const deleted = send('DELETE', url, { headers: TUS }).then((response) => {
        order.push(`DELETE ${response.status}`);
        return response;
      });
      await sleep(30); // let the DELETE reach the server and ask the copy to stop
      release();
      const [post, del] = await Promise.all([posted, deleted]);
      faults.gate = undefined;
      assert.equal(del.status, 204, `step ${step}: DELETE ${del.status} ${del.body}`);
      assert.notEqual(post.status, 201, `step ${step}: answers in order ${order.join(', ')}`);
      await assertGone(url, server.directory, `step ${step}`);
      assert.equal(finished.includes(finalId ?? ''), false, 'onUploadFinish for a deleted final');
    }
  });
});
