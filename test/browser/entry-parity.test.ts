/**
 * The browser and Node entries export the same run-time names, apart from the adapters of
 * each platform, so code written against one finds the same API in the other.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as browser from '../../src/index.browser.js';
import * as node from '../../src/index.node.js';
import { bundlePath, readBundle } from './helpers/browser-env.js';

const NODE_ONLY = [
  'FileUrlStorage',
  'defaultUrlStoragePath',
  'nodePlatform',
  'FileStatFingerprint',
  'parseFileStatFingerprint',
];
const BROWSER_ONLY = [
  'FileFingerprint',
  'WebStorageUrlStorage',
  'IndexedDbUrlStorage',
  'browserPlatform',
];

describe('entry points', () => {
  it('export the same names, apart from the platform adapters', () => {
    const nodeNames = Object.keys(node).filter((name) => !NODE_ONLY.includes(name));
    const browserNames = Object.keys(browser).filter((name) => !BROWSER_ONLY.includes(name));
    assert.deepEqual(browserNames.sort(), nodeNames.sort());
    for (const name of NODE_ONLY) assert.ok(name in node, `${name} is gone from the Node entry`);
    for (const name of BROWSER_ONLY)
      assert.ok(name in browser, `${name} is gone from the browser entry`);
  });

  it('errors of two copies (the built bundle and the sources) recognise each other', async () => {
    readBundle(); // a clear message when dist/ is not built
    const built = (await import(pathToFileURL(bundlePath).href)) as typeof browser;
    assert.notEqual(built.TusError, node.TusError, 'two copies of the classes');
    const fromNode = new node.TusAbortError('stopped', { offset: 0 });
    assert.ok(fromNode instanceof built.TusAbortError);
    assert.ok(fromNode instanceof built.TusError);
    assert.ok(!(fromNode instanceof built.TusInputError));
    const fromBundle = new built.TusChecksumUnsupportedError('no', 'md5', []);
    assert.ok(fromBundle instanceof node.TusChecksumUnsupportedError);
    assert.ok(node.isTusError(fromBundle));
  });

  it('the browser platform says browser and opens no file path', async () => {
    assert.equal(browser.browserPlatform.name, 'browser');
    await assert.rejects(
      browser.browserPlatform.openSource({ filePath: '/etc/hostname' }),
      TypeError,
    );
  });
});
