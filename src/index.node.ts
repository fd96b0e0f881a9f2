/**
 * The Node entry of resumable-upload: the shared core with node:http(s), node:fs,
 * node:crypto plugged in.
 */
import { nodeChecksum } from './checksum/node-checksum.node.js';
import { BaseTusClient, type TusClientApi } from './client.js';
import { nodeFingerprintHash } from './fingerprint/node-hash.node.js';
import { checkNetworkOptions } from './network-options.node.js';
import type { TusClientOptions } from './options.js';
import type { Platform } from './platform.js';
import { openNodeSource } from './sources/open-source.node.js';
import { FileUrlStorage } from './storage/file-url-storage.node.js';
import { NodeTransport } from './transport/node-transport.node.js';

/** Node's adapters. */
export const nodePlatform: Platform = {
  name: 'node',
  createTransport: (options) => new NodeTransport(options),
  openSource: openNodeSource,
  checksum: nodeChecksum,
  fingerprintHash: nodeFingerprintHash,
  defaultUrlStorage: () => new FileUrlStorage(),
  checkNetworkOptions,
};

/**
 * A tus client for Node.
 * @example
 * const client = new TusClient('http://127.0.0.1:1080/files', { chunkSize: 8 * 1024 * 1024 });
 * const url = await client.uploadFile({ filePath: 'video.mp4', metadata: { filename: 'video.mp4' } });
 */
export class TusClient extends BaseTusClient {
  constructor(url: string, options: TusClientOptions = {}) {
    super(url, options, nodePlatform);
  }
}

TusClient satisfies new (
  url: string,
  options?: TusClientOptions,
) => TusClientApi;

export type { TusClientApi } from './client.js';
export * from './errors/index.js';
export {
  FileStatFingerprint,
  type FileStatFingerprintParts,
  parseFileStatFingerprint,
} from './fingerprint/file-stat-fingerprint.node.js';
export {
  CallableFingerprint,
  Fingerprint,
  type FingerprintContext,
  type Fingerprinter,
  type FingerprintHashAlgorithm,
  type FingerprintSource,
  type IncrementalHash,
  PartialMD5Fingerprint,
} from './fingerprint/fingerprinter.js';
export type {
  ClientAgents,
  NodeAgentLike,
  ResolvedClientOptions,
  TlsMaterial,
  TusClientOptions,
} from './options.js';
export type { DraftProtocol } from './protocol/ietf/interop.js';
export type { MetadataEncoding } from './protocol/metadata.js';
export type { ProtocolName, ProtocolOption } from './protocol/protocol-names.js';
export type { DefaultPathContext } from './storage/default-path.node.js';
export { defaultUrlStoragePath } from './storage/default-path.node.js';
export { FileUrlStorage, type FileUrlStorageOptions } from './storage/file-url-storage.node.js';
export { InMemoryUrlStorage } from './storage/in-memory-url-storage.js';
export type { StoredUpload, UrlStorage, UrlStorageEntry } from './storage/url-storage.js';
export type {
  AfterResponseHook,
  BeforeRequestHook,
  ByteRange,
  CallRequestOptions,
  ChecksumAlgorithm,
  CreateDeferredUploadOptions,
  CreateFinalUploadOptions,
  CreatePartialUploadOptions,
  CreateUploaderOptions,
  CredentialOrigins,
  InputOptions,
  PreviousUpload,
  RequestCredentialsMode,
  RequestOptions,
  RequestSettings,
  ResponseDetails,
  ResumeUploadOptions,
  RetryState,
  ServerInfo,
  ShouldRetryHook,
  UploadFileOptions,
  UploadInfo,
  UploadInput,
  UploadMetadata,
  UploadStats,
} from './types.js';
export type { Uploader } from './upload/uploader.js';
