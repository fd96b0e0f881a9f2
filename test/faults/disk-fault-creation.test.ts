/**
 * Issue 25, found by the disk-fault soak: a creation whose record the disk refuses (the info
 * file's write, fsync or rename fails) was answered 500 but left its empty data file behind,
 * with no record to expire it: a long-running server gathered such files until its next
 * start. The store now removes the data file again when the record cannot be saved (and the
 * info file too, when it was renamed into place before the folder's fsync failed).
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { StoreFileSystem } from '../../src/server/index.js';
import { nodeFileSystem } from '../../src/server/index.js';
import { startOurServer } from '../helpers/our-server.js';
import { send, TUS } from '../helpers/raw-http.js';

/** node:fs/promises, with `call` failing (ENOSPC) while `failing` is on. */
type Call = 'write' | 'sync' | 'rename' | 'folder sync';

function failingOn(call: Call): { fs: StoreFileSystem; failing: boolean } {
  const state = { fs: nodeFileSystem, failing: false };
  const fail = () => Object.assign(new Error(`ENOSPC: injected, ${call}`), { code: 'ENOSPC' });
  state.fs = {
    ...nodeFileSystem,
    async open(path, flags) {
      const handle = await nodeFileSystem.open(path, flags);
      const info = path.endsWith('.tmp');
      const folder = !info && !/[0-9a-f]{32}$/.test(path);
      return {
        ...handle,
        writev: (buffers, position) => handle.writev(buffers, position),
        write: async (buffer, offset, length, position) => {
          if (state.failing && call === 'write' && info) throw fail();
          return handle.write(buffer, offset, length, position);
        },
        read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
        stat: () => handle.stat(),
        truncate: (length) => handle.truncate(length),
        sync: async () => {
          if (state.failing && call === 'sync' && info) throw fail();
          if (state.failing && call === 'folder sync' && folder) throw fail();
          return handle.sync();
        },
        datasync: () => handle.datasync(),
        close: () => handle.close(),
      };
    },
    async rename(from, to) {
      if (state.failing && call === 'rename') throw fail();
      return nodeFileSystem.rename(from, to);
    },
  };
  return state;
}

describe('disk faults at creation', () => {
  for (const call of ['write', 'sync', 'rename', 'folder sync'] as const) {
    it(`a creation whose record fails (${call} of the info file) leaves no file behind`, async () => {
      const faults = failingOn(call);
      const server = await startOurServer({ fileSystem: faults.fs });
      try {
        faults.failing = true;
        const answer = await send('POST', server.endpoint, {
          headers: { ...TUS, 'Upload-Length': '10' },
        });
        faults.failing = false;
        assert.equal(answer.status, 500);
        assert.deepEqual(await readdir(server.directory), [], 'no file left in the folder');
      } finally {
        await server.close();
      }
    });
  }
});
