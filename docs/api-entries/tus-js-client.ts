/**
 * `import * as tus from 'resumable-upload/tus-js-client'` in Node: tus-js-client 4's API
 * (`Upload`, `defaultOptions`, `DetailedError`, …) on our engine. Browsers get
 * {@link "resumable-upload/tus-js-client (browser)" | the browser build} from the same path.
 * @module resumable-upload/tus-js-client
 */
export * from '../../src/index.tus-js-client.node.js';
