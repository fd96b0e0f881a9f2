/**
 * `resumable-upload/server`: our tus 1.0 server (every extension: creation,
 * creation-with-upload, creation-defer-length, termination, expiration, checksum,
 * checksum-trailer, concatenation) on `node:http` with file-system storage. Node only;
 * the client entries never import it.
 * @example
 * import { createTusServer } from 'resumable-upload/server';
 * const tus = createTusServer({ directory: './uploads' });
 * const endpoint = await tus.listen(1080); // http://127.0.0.1:1080/files
 */

export {
  configureUploadHttpServer,
  createUploadHttpServer,
  UPLOAD_HTTP_SETTINGS,
  type UploadHttpServerOptions,
} from './http-server.node.js';
export type { DraftState } from './ietf/draft-state.js';
export { SERVER_CHECKSUM_ALGORITHMS } from './request-headers.js';
export {
  type ResolvedServerOptions,
  SERVER_DEFAULTS,
  type ServerErrorContext,
  type TusServerOptions,
} from './server-options.js';
export { nodeFileSystem, type StoreFileHandle, type StoreFileSystem } from './store-fs.node.js';
export type { RecoveryReport } from './store-recovery.node.js';
export {
  createTusServer,
  requestMethod,
  SERVER_EXTENSIONS,
  TusServer,
} from './tus-server.node.js';
export { type StoredUpload, TusServerRequestError } from './upload-record.js';
