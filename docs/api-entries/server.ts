/**
 * `import { createTusServer } from 'resumable-upload/server'` (Node only): our tus 1.0
 * server, with every extension and the IETF resumable-upload draft, on `node:http` with
 * file-system storage. Start with {@link createTusServer}; {@link TusServer} is what it
 * returns.
 * @module resumable-upload/server
 */
export * from '../../src/server/index.js';
