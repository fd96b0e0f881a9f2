/**
 * Eight processes writing different entries to one FileUrlStorage at the same moment end
 * with every entry and a valid JSON file (the lock serialises read-change-write).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { FileUrlStorage } from '../../../src/index.node.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CHILD = join(import.meta.dirname, 'storage-child.ts');
const PROCESSES = 8;
const EACH = 10;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (piece: Buffer) => {
    stdout += piece.toString();
  });
  child.stderr.on('data', (piece: Buffer) => {
    stderr += piece.toString();
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('FileUrlStorage shared by processes', { timeout: 120_000 }, () => {
  it(`${PROCESSES} processes × ${EACH} entries at once: every entry, valid JSON`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'storage-concurrency-'));
    try {
      const path = join(dir, 'upload-urls.json');
      // Every child waits for the same moment (after tsx has started in all of them).
      const start = String(Date.now() + 3000);
      const runs = await Promise.all(
        Array.from({ length: PROCESSES }, (_, id) => run([path, String(id), String(EACH), start])),
      );
      for (const result of runs) assert.equal(result.code, 0, result.stderr);
      const data = JSON.parse(await readFile(path, 'utf8'));
      assert.equal(Object.keys(data.uploads).length, PROCESSES * EACH);
      const list = await new FileUrlStorage({ path }).list();
      for (let id = 0; id < PROCESSES; id++) {
        const mine = list.filter((entry) => entry.metadata.writer === String(id));
        assert.equal(mine.length, EACH, `writer ${id}`);
      }
      assert.deepEqual(await readdir(dir), ['upload-urls.json'], 'no temp file, no lock left');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
