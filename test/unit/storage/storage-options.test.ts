import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fingerprint, PartialMD5Fingerprint } from '../../../src/fingerprint/fingerprinter.js';
import { TusClient } from '../../../src/index.node.js';
import { validateClientOptions } from '../../../src/options.js';
import { InMemoryUrlStorage } from '../../../src/storage/in-memory-url-storage.js';

const ENDPOINT = 'http://127.0.0.1:1/files';

describe('URL storage options', () => {
  it('defaults: storeUrl false, removeFingerprintOnSuccess true, the SHA-256 Fingerprint', () => {
    const o = validateClientOptions({});
    assert.equal(o.storeUrl, false);
    assert.equal(o.removeFingerprintOnSuccess, true);
    assert.equal(o.urlStorage, undefined);
    assert.ok(o.fingerprinter instanceof Fingerprint);
  });

  it('keeps what is given', () => {
    const storage = new InMemoryUrlStorage();
    const fingerprinter = new PartialMD5Fingerprint();
    const o = validateClientOptions({
      storeUrl: true,
      urlStorage: storage,
      fingerprinter,
      removeFingerprintOnSuccess: false,
    });
    assert.equal(o.urlStorage, storage);
    assert.equal(o.fingerprinter, fingerprinter);
    assert.equal(o.removeFingerprintOnSuccess, false);
  });

  it('any object with the methods works (duck typing)', () => {
    const storage = {
      get: async () => undefined,
      set: async () => {},
      remove: async () => {},
      list: async () => [],
    };
    const fingerprinter = { getFingerprint: () => 'x' };
    assert.doesNotThrow(() =>
      validateClientOptions({ storeUrl: true, urlStorage: storage, fingerprinter }),
    );
  });

  for (const [options, kind, pattern] of [
    [{ storeUrl: 'yes' }, TypeError, /storeUrl must be a boolean, got "yes"/],
    [{ removeFingerprintOnSuccess: 1 }, TypeError, /removeFingerprintOnSuccess must be a boolean/],
    [{ urlStorage: {} }, TypeError, /urlStorage must have get, set, remove and list/],
    [{ urlStorage: new Map() }, TypeError, /urlStorage must have .*got Map/],
    [{ fingerprinter: () => 'x' }, TypeError, /fingerprinter must have a getFingerprint method/],
  ] as const) {
    it(`rejects ${JSON.stringify(options)} naming the option`, () => {
      assert.throws(() => validateClientOptions(options), { name: kind.name, message: pattern });
      assert.throws(() => new TusClient(ENDPOINT, options as never), kind);
    });
  }

  it('findPreviousUploads and onUploadUrlAvailable are checked like other options', async () => {
    const client = new TusClient(ENDPOINT, {
      storeUrl: true,
      urlStorage: new InMemoryUrlStorage(),
    });
    await assert.rejects(client.findPreviousUploads({ filePath: 'a', nope: 1 } as never), {
      name: 'TypeError',
      message: /unknown option "nope"/,
    });
    await assert.rejects(
      client.uploadFile({ input: new Uint8Array(1), onUploadUrlAvailable: 'x' as never }),
      { name: 'TypeError', message: /onUploadUrlAvailable must be a function/ },
    );
    await assert.rejects(client.findPreviousUploads({}), TypeError);
    await client.close();
  });
});
