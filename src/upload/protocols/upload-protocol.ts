/**
 * The seam between the chunk loop and a resumable-upload protocol. What differs between
 * tus 1.0 and the IETF draft — how an upload is created, how its offset is read, how bytes
 * are appended and how completion is said, which version headers every request carries —
 * lives in one small module per protocol behind this interface. Retries, stats, sizing,
 * storage and transport are shared and know nothing of it.
 */
import type { ProtocolName } from '../../protocol/protocol-names.js';
import type { HttpResponse } from '../../transport/http-transport.js';
import type { ChecksumAlgorithm } from '../../types.js';
import type { PreparedChunk } from '../chunk-pipeline.js';

export type { ProtocolName };

/** Features an operation may need of the server. */
export type ProtocolFeature = 'deferred-length' | 'creation-with-upload' | 'concatenation';

/** What a protocol module asks of the request layer (implemented by `Requester`). */
export interface ProtocolRequester {
  /** The client options a protocol module reads (tus: `overridePatchMethod`). */
  readonly options: { readonly overridePatchMethod: boolean };
  send(method: string, url: string, init?: ProtocolSendInit): Promise<HttpResponse>;
}

export interface ProtocolSendInit {
  headers?: Record<string, string> | undefined;
  body?: PreparedChunk['body'] | undefined;
  signal?: AbortSignal | undefined;
  onUploadProgress?: ((bytesSent: number) => void) | undefined;
  /** Interim (1xx) answers, where the transport shows them (the draft's 104). */
  onInterimResponse?: ((status: number, headers: Record<string, string>) => void) | undefined;
}

export interface CreateArgs {
  /** The endpoint uploads are created at. */
  endpoint: string;
  /** The input's length; `undefined` while unknown (tus: `Upload-Defer-Length: 1`). */
  length: number | undefined;
  /** The encoded `Upload-Metadata`, when there is metadata. */
  metadataHeader?: string | undefined;
  /** A partial upload of the concatenation extension (tus: `Upload-Concat: partial`). */
  partial?: boolean | undefined;
  /** The first bytes, sent with the creation request (from offset 0). */
  body?: PreparedChunk | undefined;
  algorithm?: ChecksumAlgorithm | undefined;
  signal?: AbortSignal | undefined;
  onUploadProgress?: ((bytesSent: number) => void) | undefined;
  /**
   * Called as soon as the upload's URL is known, before the creation's answer when the
   * protocol announces it early (the draft's 104), so that it can be stored at once.
   */
  onLocation?: ((url: string) => void) | undefined;
  /**
   * SHA-256 (hex) of the whole input when the client computed it anyway (the default
   * fingerprint): sent where the protocol has a field for it (the draft's `Repr-Digest`).
   */
  inputSha256?: string | undefined;
}

export interface CreateFinalArgs {
  /** The endpoint uploads are created at. */
  endpoint: string;
  /** The partial uploads' URLs, in order. */
  urls: readonly string[];
  /** The encoded `Upload-Metadata`, when there is metadata. */
  metadataHeader?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Limits the server states for one upload's requests (the draft's `Upload-Limit`): the
 * sizing policy keeps bodies within them (`nextSize` in sizing-policy.ts).
 */
export interface AppendLimits {
  maxAppendSize?: number | undefined;
  minAppendSize?: number | undefined;
}

/** Ms the answer's request spent connecting (`HttpResponse.connectMs`), for the sizing clock. */
export interface Timed {
  connectMs?: number | undefined;
}

/** An upload the server created: its URL and the bytes it kept from the creation's body. */
export interface CreatedUpload extends Timed {
  url: string;
  offset: number;
  /**
   * `false` when the protocol marks completion explicitly and this upload still awaits it
   * (the draft: until an append says `Upload-Complete: ?1`); absent for tus.
   */
  complete?: boolean | undefined;
  limits?: AppendLimits | undefined;
}

/** The server's view of an upload (offset retrieval). */
export interface ServerOffset extends Timed {
  /** The HTTP status of the answer. */
  status: number;
  offset: number;
  /** `undefined` while the server does not know the length (deferred). */
  length: number | undefined;
  /** The raw `Upload-Metadata` of the upload, when the server returns it. */
  metadataHeader?: string | undefined;
  /** As `CreatedUpload.complete`: `false` while an explicit completion is awaited. */
  complete?: boolean | undefined;
  limits?: AppendLimits | undefined;
}

export interface AppendArgs {
  url: string;
  /** The offset the chunk starts at (the server's, as last known). */
  offset: number;
  chunk: PreparedChunk;
  algorithm?: ChecksumAlgorithm | undefined;
  /**
   * The input's total length, sent with this append because the server's is still
   * unknown (tus: `Upload-Length` on the PATCH with the last bytes); `undefined` otherwise.
   */
  declareLength?: number | undefined;
  signal?: AbortSignal | undefined;
  onUploadProgress?: ((bytesSent: number) => void) | undefined;
}

/** The answer to an append: its status and the server's new offset. */
export interface AppendResult extends Timed {
  status: number;
  offset: number;
}

export interface UploadProtocol {
  readonly name: ProtocolName;
  /** Headers every request of this protocol carries (e.g. `Tus-Resumable: 1.0.0`). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Checksum algorithms the protocol can send without asking the server (the draft's
   * `Content-Digest`); absent: the server's OPTIONS answer says (tus checksum extension).
   */
  readonly checksumAlgorithms?: readonly ChecksumAlgorithm[] | undefined;
  /**
   * What `feature` needs: the name of the extension the server's OPTIONS answer must list,
   * or `true` (the protocol always has it) / `false` (it never does).
   */
  requires(feature: ProtocolFeature): string | boolean;
  /** Throws a `TusProtocolError` when a successful answer speaks another version. */
  checkAnswer(method: string, url: string, response: HttpResponse): void;
  /** Creates an upload (with the first bytes, when `body` is given). */
  create(requester: ProtocolRequester, args: CreateArgs): Promise<CreatedUpload>;
  /** Reads the server's offset (and length) of the upload at `url`. */
  offset(requester: ProtocolRequester, url: string, signal?: AbortSignal): Promise<ServerOffset>;
  /** Appends a chunk; resolves with the server's new offset (checked by the caller). */
  append(requester: ProtocolRequester, args: AppendArgs): Promise<AppendResult>;
  /**
   * Creates the final upload of concatenated partials; resolves with its URL. Absent where
   * the protocol has no concatenation (`requires('concatenation')` is `false`).
   */
  createFinal?(requester: ProtocolRequester, args: CreateFinalArgs): Promise<string>;
}
