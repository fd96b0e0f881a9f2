/** `storeUrl`, `findPreviousUploads` and resume by fingerprint, in one process, against our server. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CallableFingerprint,
  FileUrlStorage,
  InMemoryUrlStorage,
  PartialMD5Fingerprint,
  TusClient,
  type TusClientOptions,
} from '../../../src/index.node.js';
import { type StartedOurServer, startOurServer } from '../../helpers/our-server.js';

const CHUNK = 64 * 1024;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('resume across sessions with storeUrl', () => {
  let server: StartedOurServer;
  let dir: string;
  let file: string;
  let bytes: Buffer;
  /** Requests of the last client made by `client()`, as `METHOD offset?`. */
  let log: string[];

  const client = (options: TusClientOptions = {}) => {
    log = [];
    const requests = log;
    return new TusClient(server.endpoint, {
      chunkSize: CHUNK,
      storeUrl: true,
      beforeRequest: (method, _url, headers) => {
        requests.push(method === 'PATCH' ? `PATCH ${headers['Upload-Offset']}` : method);
      },
      ...options,
    });
  };

  before(async () => {
    server = await startOurServer();
    dir = await mkdtemp(join(tmpdir(), 'store-url-'));
    bytes = randomBytes(10 * CHUNK + 777);
    file = join(dir, 'data.bin');
    await writeFile(file, bytes);
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('storeUrl off (the default): findPreviousUploads is empty and nothing is stored', async () => {
    const storage = new InMemoryUrlStorage();
    const plain = new TusClient(server.endpoint, { urlStorage: storage, chunkSize: CHUNK });
    await plain.uploadFile({ filePath: file, stopAt: CHUNK });
    assert.deepEqual(await plain.findPreviousUploads({ filePath: file }), []);
    assert.deepEqual(await storage.list(), []);
    await plain.close();
  });

  it('stores the URL before the first PATCH, resumes it in a new client, then forgets it', async () => {
    const storage = new InMemoryUrlStorage();
    const first = client({ urlStorage: storage });
    const announced: string[] = [];
    const partial = await first.uploadFile({
      filePath: file,
      metadata: { filename: 'data.bin' },
      stopAt: 3 * CHUNK + 5,
      onUploadUrlAvailable: async (url) => {
        announced.push(url);
        // Stored by the time the hook runs, and no PATCH has gone out yet.
        assert.equal((await storage.list())[0]?.uploadUrl, url);
        assert.equal((await storage.list())[0]?.endpoint, first.url, 'with its endpoint');
        assert.deepEqual(log, ['OPTIONS', 'POST']);
      },
    });
    assert.deepEqual(announced, [partial]);
    await first.close();

    const second = client({ urlStorage: storage });
    const [previous, ...more] = await second.findPreviousUploads({ filePath: file });
    assert.equal(more.length, 0);
    assert.ok(previous);
    assert.equal(previous.uploadUrl, partial);
    assert.equal(previous.size, bytes.length);
    assert.deepEqual(previous.metadata, { filename: 'data.bin' });
    assert.match(previous.fingerprint, /^size:\d+--sha256:[0-9a-f]{64}$/);
    assert.ok(Math.abs(Date.parse(previous.createdAt) - Date.now()) < 60_000);

    let startOffset: number | undefined;
    const url = await second.uploadFile({
      filePath: file,
      onProgress: (stats) => {
        startOffset ??= stats.startOffset;
      },
    });
    assert.equal(url, partial, 'the same upload');
    assert.equal(startOffset, 3 * CHUNK + 5);
    assert.ok(!log.includes('POST'), log.join(', '));
    assert.equal(
      log.find((entry) => entry.startsWith('PATCH')),
      `PATCH ${3 * CHUNK + 5}`,
    );
    assert.equal(sha256(await readFile(server.dataPath(url))), sha256(bytes));
    assert.deepEqual(await storage.list(), [], 'removeFingerprintOnSuccess');
    assert.deepEqual(await second.findPreviousUploads({ filePath: file }), []);
    await second.close();
  });

  it('removeFingerprintOnSuccess: false keeps the entry; a complete upload is not sent again', async () => {
    const storage = new InMemoryUrlStorage();
    const keep = client({ urlStorage: storage, removeFingerprintOnSuccess: false });
    const url = await keep.uploadFile({ filePath: file });
    assert.equal((await storage.list())[0]?.uploadUrl, url);
    const again = await keep.uploadFile({ filePath: file });
    assert.equal(again, url);
    assert.deepEqual(
      log.filter((entry) => entry.startsWith('PATCH') || entry === 'POST').length,
      1 + 11,
      'only the first upload created and sent bytes (one POST, 11 PATCHes)',
    );
    await keep.close();
  });

  it('a stored upload the server no longer has (404) is dropped and a new one created', async () => {
    const storage = new InMemoryUrlStorage();
    const first = client({ urlStorage: storage });
    const old = await first.uploadFile({ filePath: file, stopAt: CHUNK });
    await first.deleteUpload(old);
    const url = await first.uploadFile({ filePath: file, stopAt: 2 * CHUNK });
    assert.notEqual(url, old);
    assert.deepEqual(
      (await storage.list()).map((e) => e.uploadUrl),
      [url],
      'the new URL replaced the old one',
    );
    await first.close();
  });

  it('a stored entry whose server length differs is dropped (another input)', async () => {
    const storage = new InMemoryUrlStorage();
    const fixed = new CallableFingerprint(() => 'always-the-same');
    const first = client({ urlStorage: storage, fingerprinter: fixed });
    const small = await first.uploadFile({ input: new Uint8Array(10), stopAt: 5 });
    const url = await first.uploadFile({ filePath: file });
    assert.notEqual(url, small);
    assert.equal(sha256(await readFile(server.dataPath(url))), sha256(bytes));
    await first.close();
  });

  it('resumeUpload with storeUrl forgets the entry once complete', async () => {
    const storage = new InMemoryUrlStorage();
    const first = client({ urlStorage: storage });
    const url = await first.uploadFile({ filePath: file, stopAt: CHUNK });
    const [previous] = await first.findPreviousUploads({ filePath: file });
    assert.equal(previous?.uploadUrl, url);
    await first.resumeUpload({ uploadUrl: url, filePath: file });
    assert.deepEqual(await storage.list(), []);
    await first.close();
  });

  it('a stream input says clearly that it has no fingerprint; a CallableFingerprint names it', async () => {
    const storage = new InMemoryUrlStorage();
    const streams = client({ urlStorage: storage });
    await assert.rejects(
      streams.uploadFile({ input: Readable.from([bytes]), uploadSize: bytes.length }),
      { code: 'TUS_ERR_INPUT', message: /stream input has no fingerprint.*CallableFingerprint/ },
    );
    await assert.rejects(streams.findPreviousUploads({ input: Readable.from([bytes]) }), {
      code: 'TUS_ERR_INPUT',
    });
    assert.ok(!log.includes('POST'), 'nothing was created');

    const named = client({
      urlStorage: storage,
      fingerprinter: new CallableFingerprint(() => 'camera-7/take-3'),
    });
    const partial = await named.uploadFile({
      input: Readable.from([bytes]),
      uploadSize: bytes.length,
      stopAt: 2 * CHUNK,
    });
    assert.equal((await storage.get('camera-7/take-3'))?.uploadUrl, partial);
    const url = await named.uploadFile({ input: Readable.from([bytes]), uploadSize: bytes.length });
    assert.equal(url, partial);
    assert.equal(sha256(await readFile(server.dataPath(url))), sha256(bytes));
    await streams.close();
    await named.close();
  });

  it('PartialMD5Fingerprint keys entries the way the Python client does', async () => {
    const storage = new InMemoryUrlStorage();
    const md5 = client({ urlStorage: storage, fingerprinter: new PartialMD5Fingerprint() });
    await md5.uploadFile({ filePath: file, stopAt: CHUNK });
    const expected = createHash('md5').update(bytes.subarray(0, 65_536)).digest('hex');
    assert.deepEqual(
      (await storage.list()).map((e) => e.fingerprint),
      [`size:${bytes.length}--md5:${expected}`],
    );
    await md5.close();
  });

  it('FileUrlStorage end to end: the entry is on disk between two clients', async () => {
    const path = join(dir, 'state', 'urls.json');
    const first = client({ urlStorage: new FileUrlStorage({ path }) });
    const partial = await first.uploadFile({ filePath: file, stopAt: CHUNK });
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    assert.deepEqual(
      Object.values(onDisk.uploads).map((e) => (e as { uploadUrl: string }).uploadUrl),
      [partial],
    );
    await first.close();
    const second = client({ urlStorage: new FileUrlStorage({ path }) });
    assert.equal(await second.uploadFile({ filePath: file }), partial);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')).uploads, {});
    await second.close();
  });

  it('onUploadUrlAvailable works without storeUrl too, before the first PATCH', async () => {
    const plain = client({ storeUrl: false });
    const seen: string[][] = [];
    const url = await plain.uploadFile({
      filePath: file,
      stopAt: CHUNK,
      onUploadUrlAvailable: () => {
        seen.push([...log]);
      },
    });
    assert.deepEqual(seen, [['OPTIONS', 'POST']]);
    assert.ok(url);
    await plain.close();
  });
});
