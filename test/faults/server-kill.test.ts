/**
 * Issue 15, points 2 and 6: our server SIGKILLed at every file-system step of a request
 * (fsync on), restarted on the same folder, never shows an upload whose info and data
 * disagree, never brings a deleted upload back, and never keeps a final concatenation that
 * did not finish. The child kills itself right before its n-th file-system call after the
 * request arrived (test/integration/server/fixtures/serve-dir.ts), for n = 1, 2, … until
 * the request is answered without a kill; each step is one round.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { create, patch, type RawResponse, send, TUS } from '../helpers/raw-http.js';
import { idOf, MiB } from '../integration/server/fixtures/by-hand.js';
import { type ServerChild, startServerChild } from '../integration/server/fixtures/server-child.js';

/** Most steps tried per request (a bound: each kind of request has fewer). */
const MAX_STEPS = 40;

let directory: string;
let child: ServerChild;

const start = () => startServerChild(directory, { ipc: true, options: { fsync: true } });
const urlOf = (id: string) => `${child.endpoint}/${id}`;

/** Runs `request` with a kill armed at `step`; `undefined` when the server died first. */
async function attempt(
  spec: string,
  request: () => Promise<RawResponse>,
): Promise<RawResponse | undefined> {
  await child.killAt(spec);
  let response: RawResponse | undefined;
  try {
    response = await request();
  } catch {
    response = undefined;
  }
  if (response === undefined || !child.alive()) {
    await child.kill();
    child = await start();
    return undefined;
  }
  await child.killAt('none:0');
  return response;
}

/** HEAD of `id`: its status and offset; with the data file's bytes. */
async function inspect(id: string): Promise<{ status: number; offset: number; data?: Buffer }> {
  const head = await send('HEAD', urlOf(id), { headers: TUS });
  const path = join(directory, id);
  return {
    status: head.status,
    offset: Number(head.headers['upload-offset']),
    ...(existsSync(path) ? { data: await readFile(path) } : {}),
  };
}

/** No temp copies and no data file without its info file are left in the folder. */
async function assertTidy(when: string): Promise<void> {
  const names = await readdir(directory);
  assert.deepEqual(
    names.filter((name) => name.endsWith('.tmp')),
    [],
    `${when}: temp files left`,
  );
  for (const name of names.filter((n) => /^[0-9a-f]{32}$/.test(n))) {
    assert.ok(names.includes(`${name}.json`), `${when}: data file ${name} without its info file`);
  }
}

describe('our server SIGKILLed at every step of a request', { timeout: 240_000 }, () => {
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'server-kill-'));
    child = await start();
  });
  after(async () => {
    await child?.kill();
    await rm(directory, { recursive: true, force: true });
  });

  it('DELETE: the upload is whole or gone, and gone for good once answered 204', async () => {
    const source = randomBytes(10_000);
    for (let step = 1; step <= MAX_STEPS; step++) {
      const url = await create(child.endpoint, { 'Upload-Length': String(source.length) });
      assert.equal((await patch(url, 0, source.subarray(0, 3000))).status, 204);
      const id = idOf(url);
      const answer = await attempt(`DELETE:${step}`, () =>
        send('DELETE', urlOf(id), { headers: TUS }),
      );
      const seen = await inspect(id);
      await assertTidy(`DELETE step ${step}`);
      if (seen.status === 200) {
        assert.equal(answer, undefined, `step ${step}: answered ${answer?.status}, yet back`);
        assert.equal(seen.offset, 3000, `step ${step}`);
        assert.ok(seen.data?.equals(source.subarray(0, 3000)), `step ${step}: data = offset`);
      } else {
        assert.equal(seen.status, 404, `step ${step}`);
        assert.equal(seen.data, undefined, `step ${step}: a data file without its upload`);
      }
      if (answer !== undefined) {
        assert.equal(answer.status, 204);
        return;
      }
    }
    assert.fail(`DELETE was never answered within ${MAX_STEPS} steps`);
  });

  it('PATCH: offset = data size = the source prefix, before or after the chunk', async () => {
    const source = randomBytes(300_000);
    for (let step = 1; step <= MAX_STEPS; step++) {
      const url = await create(child.endpoint, { 'Upload-Length': String(source.length) });
      assert.equal((await patch(url, 0, source.subarray(0, 100_000))).status, 204);
      const id = idOf(url);
      const answer = await attempt(`PATCH:${step}`, () =>
        patch(urlOf(id), 100_000, source.subarray(100_000, 250_000)),
      );
      const seen = await inspect(id);
      await assertTidy(`PATCH step ${step}`);
      assert.equal(seen.status, 200, `step ${step}`);
      assert.ok([100_000, 250_000].includes(seen.offset), `step ${step}: offset ${seen.offset}`);
      assert.equal(seen.data?.length, seen.offset, `step ${step}: data size = offset`);
      assert.ok(seen.data?.equals(source.subarray(0, seen.offset)), `step ${step}: prefix`);
      if (answer !== undefined) {
        assert.equal(answer.status, 204);
        assert.equal(seen.offset, 250_000);
        return;
      }
    }
    assert.fail(`PATCH was never answered within ${MAX_STEPS} steps`);
  });

  it('final concatenation: after a kill the final is complete or gone, never left unfinished', async () => {
    const parts = [randomBytes(1.5 * MiB), randomBytes(MiB + 5)];
    const whole = Buffer.concat(parts);
    const partIds: string[] = [];
    for (const part of parts) {
      const url = await create(child.endpoint, {
        'Upload-Concat': 'partial',
        'Upload-Length': String(part.length),
      });
      assert.equal((await patch(url, 0, part)).status, 204);
      partIds.push(idOf(url));
    }
    const known = new Set(await readdir(directory));
    for (let step = 1; step <= MAX_STEPS; step++) {
      const header = `final;${partIds.map((id) => `/files/${id}`).join(' ')}`;
      const answer = await attempt(`FINAL:${step}`, () =>
        send('POST', child.endpoint, { headers: { ...TUS, 'Upload-Concat': header } }),
      );
      await assertTidy(`final step ${step}`);
      const fresh = (await readdir(directory)).filter(
        (name) => /^[0-9a-f]{32}$/.test(name) && !known.has(name),
      );
      for (const id of fresh) {
        const seen = await inspect(id);
        assert.equal(seen.status, 200, `step ${step}`);
        assert.equal(seen.offset, whole.length, `step ${step}: a final left unfinished`);
        assert.ok(seen.data?.equals(whole), `step ${step}: the final's bytes are its parts'`);
        known.add(id);
        known.add(`${id}.json`);
      }
      if (answer !== undefined) {
        assert.equal(answer.status, 201, answer.body);
        assert.equal(fresh.length, 1, 'the answered final is there');
        return;
      }
      assert.ok(fresh.length <= 1, `step ${step}`);
    }
    assert.fail(`the final POST was never answered within ${MAX_STEPS} steps`);
  });

  it('creation: the new upload is there whole (offset 0, empty data) or not at all', async () => {
    for (let step = 1; step <= MAX_STEPS; step++) {
      const existing = new Set(await readdir(directory));
      const answer = await attempt(`POST:${step}`, () =>
        send('POST', child.endpoint, { headers: { ...TUS, 'Upload-Length': '10' } }),
      );
      await assertTidy(`creation step ${step}`);
      const fresh = (await readdir(directory)).filter(
        (name) => /^[0-9a-f]{32}$/.test(name) && !existing.has(name),
      );
      assert.ok(fresh.length <= 1, `step ${step}`);
      for (const id of fresh) {
        const seen = await inspect(id);
        assert.equal(seen.status, 200);
        assert.equal(seen.offset, 0);
        assert.equal(seen.data?.length, 0);
      }
      if (answer !== undefined) {
        assert.equal(answer.status, 201);
        assert.equal(fresh.length, 1);
        return;
      }
    }
    assert.fail(`the creation was never answered within ${MAX_STEPS} steps`);
  });
});
