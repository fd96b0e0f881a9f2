/**
 * Issue 15, points 2 and 6, at start: what a crash can leave in the folder, made
 * consistent by the next start, never by inventing bytes. Each case writes the files such a
 * crash leaves (the kill itself at every step is test/faults/server-kill.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTusServer } from '../../../src/server/index.js';
import { patch, send, TUS } from '../../helpers/raw-http.js';

const ID = 'a'.repeat(32);
const PART = 'b'.repeat(32);

function record(fields: Record<string, unknown>): string {
  return JSON.stringify({ id: ID, metadata: '', createdAt: Date.now(), ...fields });
}

describe('the start makes the folder consistent', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'recovery-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  async function started(check: (endpoint: string) => Promise<void>): Promise<void> {
    const tus = createTusServer({ directory, fsync: false });
    try {
      await check(await tus.listen());
    } finally {
      await tus.close();
    }
  }

  it('an info file whose data file is gone: the upload is gone (404), no empty file with offset 5', async () => {
    await writeFile(join(directory, `${ID}.json`), record({ length: 10, offset: 5 }));
    await started(async (endpoint) => {
      assert.equal((await send('HEAD', `${endpoint}/${ID}`, { headers: TUS })).status, 404);
      assert.equal((await patch(`${endpoint}/${ID}`, 5, 'abcde')).status, 404);
    });
    assert.deepEqual(await readdir(directory), []);
  });

  it('a final whose concatenation was cut by a kill is removed, not left unfinished for ever', async () => {
    await writeFile(join(directory, PART), 'x'.repeat(100));
    await writeFile(
      join(directory, `${PART}.json`),
      record({ id: PART, length: 100, offset: 100, concat: { type: 'partial' } }),
    );
    await writeFile(join(directory, ID), 'x'.repeat(40));
    await writeFile(
      join(directory, `${ID}.json`),
      record({ length: 100, offset: 0, concat: { type: 'final', parts: [PART] } }),
    );
    await started(async (endpoint) => {
      assert.equal((await send('HEAD', `${endpoint}/${ID}`, { headers: TUS })).status, 404);
      const part = await send('HEAD', `${endpoint}/${PART}`, { headers: TUS });
      assert.equal(part.status, 200, 'its parts stay');
      assert.equal(part.headers['upload-offset'], '100');
    });
    assert.equal(existsSync(join(directory, ID)), false);
  });

  it('a data file without its info file and leftover temp copies are removed', async () => {
    await writeFile(join(directory, ID), 'half a creation');
    await writeFile(join(directory, `${PART}.json.0badc0de.tmp`), '{"id":');
    await started(async (endpoint) => {
      assert.equal((await send('HEAD', `${endpoint}/${ID}`, { headers: TUS })).status, 404);
    });
    assert.deepEqual(await readdir(directory), []);
  });

  it('bytes past the recorded offset are cut back to it', async () => {
    await writeFile(join(directory, ID), 'recorded+unrecorded');
    await writeFile(join(directory, `${ID}.json`), record({ length: 100, offset: 8 }));
    await started(async (endpoint) => {
      const head = await send('HEAD', `${endpoint}/${ID}`, { headers: TUS });
      assert.equal(head.headers['upload-offset'], '8');
    });
    assert.equal((await readdir(directory)).length, 2);
    assert.equal(await readFile(join(directory, ID), 'utf8'), 'recorded');
  });
});
