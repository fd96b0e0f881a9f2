/**
 * `import { TusClient } from 'resumable-upload'` in a browser (the `browser` condition of
 * the package's `exports`, what bundlers pick for the web): the same client with XHR and
 * `fetch`, `File` / `Blob` inputs, Web Crypto checksums and upload URLs in `localStorage`.
 * @module resumable-upload (browser)
 */
export * from '../../src/index.browser.js';
