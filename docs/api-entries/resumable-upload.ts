/**
 * `import { TusClient } from 'resumable-upload'` in Node (the `node` condition of the
 * package's `exports`): the client with `node:http(s)` requests, file paths and streams as
 * inputs, and upload URLs stored in a file. Browsers and bundlers targeting them get
 * {@link "resumable-upload (browser)" | the browser build} from the same import path.
 * @module resumable-upload
 */
export * from '../../src/index.node.js';
