/**
 * Issue 16.4: a path that is not a regular file is refused before anything could block
 * on it (a FIFO without a writer used to hang `open()` for ever), a size-0 pseudo-file
 * (/proc) is refused instead of uploaded as an empty "success", and the signal is
 * honoured while a file opens.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { platform } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TusClient, TusInputError } from '../../src/index.node.js';
import { FileSource } from '../../src/sources/file-source.node.js';
import { type StartedOurServer, startOurServer } from '../helpers/our-server.js';
import { tempDir } from '../integration/client/fixtures.js';
import { type Front, startFront } from './helpers/front.js';

const linux = platform() === 'linux';

/** `promise`, or a failure once it has been pending for `ms` (a bound, not a measurement). */
async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} still pending after ${ms} ms: it hangs`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('inputs that could block are refused first', {
  skip: !linux && 'Linux only',
  timeout: 60_000,
}, () => {
  let ours: StartedOurServer;
  let front: Front;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fifo = '';
  let socketPath = '';
  let socketServer: Server;
  let client: TusClient;

  before(async () => {
    ours = await startOurServer();
    front = await startFront({ target: new URL(ours.endpoint).origin });
    dir = await tempDir();
    fifo = join(dir.dir, 'no-writer.fifo');
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);
    socketPath = join(dir.dir, 'a.sock');
    socketServer = createServer();
    await new Promise<void>((resolve) => socketServer.listen(socketPath, resolve));
    client = new TusClient(`${front.origin}/files`, { maxRetries: 0 });
  });
  after(async () => {
    // A reader hung in open() (the old code) is let go by a writer, so the process can end.
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {}
    await client?.close();
    await new Promise<void>((resolve) => socketServer?.close(() => resolve()));
    await front?.close();
    await ours?.close();
    await dir?.cleanup();
  });

  const refused = async (path: string, message: RegExp) => {
    front.requests.length = 0;
    await assert.rejects(
      settlesWithin(client.uploadFile({ filePath: path }), 10_000, `uploadFile(${path})`),
      (error) => {
        assert.ok(error instanceof TusInputError, String(error));
        assert.match(error.message, message);
        return true;
      },
    );
    assert.deepEqual(
      front.requests.map((r) => r.method).filter((m) => m !== 'OPTIONS'),
      [],
      'no upload was created',
    );
  };

  it('a FIFO with no writer: a TusInputError, not a hang', async () => {
    await refused(fifo, /FIFO/);
  });

  it('a FIFO with a signal given: refused the same way', async () => {
    const controller = new AbortController();
    await assert.rejects(
      settlesWithin(
        client.uploadFile({ filePath: fifo, signal: controller.signal }),
        10_000,
        'uploadFile(fifo)',
      ),
      TusInputError,
    );
  });

  it('a socket and a device are refused by what they are', async () => {
    await refused(socketPath, /socket/);
    await refused('/dev/zero', /device/);
  });

  it('a size-0 pseudo-file with content (/proc/self/status) is refused, not uploaded empty', async () => {
    await refused('/proc/self/status', /size of 0 but has content/);
  });

  it('an empty regular file is still an upload of 0 bytes', async () => {
    const path = await dir.file('empty.bin', new Uint8Array(0));
    const url = await client.uploadFile({ filePath: path });
    assert.deepEqual((await client.getUploadInfo(url)).offset, 0);
  });

  it('FileSource.open honours its signal: aborted before, or while it opens, it rejects with the reason and leaves no descriptor open', async () => {
    const path = await dir.file('plain.bin', new Uint8Array(10));
    const before = openFds();
    const reason = new Error('stop');
    await assert.rejects(FileSource.open(path, AbortSignal.abort(reason)), (e) => e === reason);
    for (let round = 0; round < 20; round++) {
      const controller = new AbortController();
      const opening = FileSource.open(path, controller.signal);
      controller.abort(reason); // while the stat (or the open) is under way
      await assert.rejects(opening, (e) => e === reason);
    }
    assert.equal(openFds(), before, 'no descriptor left open');
  });
});
