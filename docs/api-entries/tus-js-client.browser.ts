/**
 * `import * as tus from 'resumable-upload/tus-js-client'` in a browser (the `browser`
 * condition; what Uppy's `@uppy/tus` gets through an alias): tus-js-client 4's API on our
 * engine.
 * @module resumable-upload/tus-js-client (browser)
 */
export * from '../../src/index.tus-js-client.browser.js';
