/**
 * Every `TusClient` option: its type, its documented default, its key and its resolution,
 * in one place (the checks themselves are in option-checks.ts). An option is added here
 * with one field in `TusClientOptions`, one line in `CLIENT_OPTION_KEYS`, one default in
 * `DEFAULTS` and one line in `validateClientOptions`.
 */

import { Fingerprint, type Fingerprinter } from './fingerprint/fingerprinter.js';
import {
  checkBoolean,
  checkByteCount,
  checkChecksum,
  checkChunkSize,
  checkCount,
  checkCredentialOrigins,
  checkCredentialsMode,
  checkDuration,
  checkEncoding,
  checkFingerprinter,
  checkFunction,
  checkHeaderNames,
  checkHeaders,
  checkProtocol,
  checkRate,
  checkUrlStorage,
  rejectUnknownKeys,
} from './option-checks.js';
import type { MetadataEncoding } from './protocol/metadata.js';
import type { ProtocolName } from './protocol/protocol-names.js';
import { show } from './show.js';
import type { UrlStorage } from './storage/url-storage.js';
import type { TransportOptions } from './transport/http-transport.js';
import type {
  AfterResponseHook,
  BeforeRequestHook,
  ChecksumAlgorithm,
  CredentialOrigins,
  RequestCredentialsMode,
  ShouldRetryHook,
} from './types.js';
import { DEFAULT_MAX_CHUNK } from './upload/sizing-policy.js';

export interface TusClientOptions {
  /**
   * Bytes per PATCH request. `'auto'` starts at 1 MiB and follows the link: chunks grow
   * until a request's round trip costs about 2 % of its time, but last at most ~4 s, and
   * shrink after a failure, a slow chunk or a 413 (see docs/performance.md). A number
   * fixes the size exactly, as hosted endpoints may need (a float is floored; `Infinity`
   * sends the whole input in one request).
   * @default 'auto'
   * @example { chunkSize: 8 * 1024 * 1024 }
   */
  chunkSize?: number | 'auto' | undefined;
  /**
   * The largest chunk `chunkSize: 'auto'` grows to, in bytes.
   * @default 67_108_864 (64 MiB)
   */
  maxChunkSize?: number | undefined;
  /**
   * `true` = sha1 when the server offers it (else no checksum, said in `stats`); an
   * algorithm name = that one, which the server must offer; `false` = none.
   * @default true
   */
  checksum?: boolean | ChecksumAlgorithm | undefined;
  /** Verify TLS certificates of `https:` servers. @default true */
  verifyTlsCert?: boolean | undefined;
  /** Encoding of metadata values before base64 (`utf-8`, `latin1`, `ascii`, `utf-16le`). @default 'utf-8' */
  metadataEncoding?: string | undefined;
  /**
   * Headers added to every request; credentials among them only to the origins
   * `sendCredentialsTo` allows. @default {}
   */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Retries per chunk (0 = none). @default 3 */
  maxRetries?: number | undefined;
  /** Base delay of the exponential backoff, in ms (capped at 60 s). @default 1000 */
  retryDelay?: number | undefined;
  /**
   * The seed's socket timeout, in ms: a request fails (and is retried) when no byte moves
   * either way for this long — connecting, sending, waiting for the answer, reading it. A
   * slow upload that keeps moving never hits it. `Infinity` = none.
   * @default 30_000
   */
  timeout?: number | undefined;
  /**
   * Opt-in cap on a whole request in ms, from its start to the end of its answer.
   * @default Infinity (none)
   */
  requestTimeout?: number | undefined;
  /**
   * The most bytes per second that all uploads of this client send together (Node).
   * @default Infinity (no limit)
   */
  maxBytesPerSecond?: number | undefined;
  /** Called before every request; may change `headers` in place, and `settings.credentials`. */
  beforeRequest?: BeforeRequestHook | undefined;
  /** Called after every response. */
  afterResponse?: AfterResponseHook | undefined;
  /** Consulted before every retry; `false` fails now. */
  onShouldRetry?: ShouldRetryHook | undefined;
  /**
   * Remember upload URLs under the input's fingerprint, so that `uploadFile` of the same
   * input in a later session resumes the upload (see docs/resume.md).
   * @default false
   */
  storeUrl?: boolean | undefined;
  /**
   * Where URLs are stored when `storeUrl` is on.
   * @default a FileUrlStorage (Node) or WebStorageUrlStorage (browser)
   * @example { storeUrl: true, urlStorage: new FileUrlStorage({ path: './uploads.json' }) }
   */
  urlStorage?: UrlStorage | undefined;
  /**
   * How an input is named in URL storage.
   * @default new Fingerprint() (SHA-256 of the content plus the size); in the browser build
   * new FileFingerprint() (a File's name, type, size, lastModified and first 64 KiB)
   */
  fingerprinter?: Fingerprinter | undefined;
  /** Remove the stored URL once its upload is complete. @default true */
  removeFingerprintOnSuccess?: boolean | undefined;
  /**
   * Send the first chunk in the body of the creation POST when the server offers
   * `creation-with-upload` (one round trip less; ignored when it does not).
   * @default false
   */
  uploadDataDuringCreation?: boolean | undefined;
  /**
   * The resumable-upload protocol to speak: tus 1.0, or the IETF draft "Resumable Uploads
   * for HTTP" in the interop version of draft -03 (5), -05 (6) or -12 (8). The draft has no
   * concatenation (`parallelUploads`); see docs/protocols.md for what each sends.
   * @default 'tus-v1'
   * @example { protocol: 'ietf-draft-12' }
   */
  protocol?: ProtocolName | undefined;
  /**
   * Which origins receive the credential headers (`Authorization`, `Cookie`,
   * `Proxy-Authorization` and the `sensitiveHeaders`). A server may hand out upload URLs
   * on another host: some of those need no token (a storage node, a signed URL), and the
   * token must not leak there; others need it. `'endpoint-origin'`: only requests to the
   * endpoint's origin (scheme, host and port) carry them, every other request goes
   * without; an array of origins: those as well; `'any-origin'`: every request carries them.
   * Other headers go everywhere. Applied after `beforeRequest` (see docs/security.md).
   * @default 'endpoint-origin'
   * @example { headers: { Authorization: 'Bearer …' }, sendCredentialsTo: ['https://upload.example.com'] }
   */
  sendCredentialsTo?: CredentialOrigins | undefined;
  /**
   * More header names (case-insensitive) that are credentials, kept to the origins
   * `sendCredentialsTo` allows, like `Authorization`.
   * @default []
   * @example { headers: { 'X-Api-Key': key }, sensitiveHeaders: ['X-Api-Key'] }
   */
  sensitiveHeaders?: readonly string[] | undefined;
  /**
   * An HTTP proxy that every request goes through (Node): `http://[user:password@]host:port`
   * or `https://…` (TLS to the proxy too). An `https:` server is reached through a `CONNECT`
   * tunnel (the proxy sees its host and port, TLS runs end to end inside); an `http:` server
   * in absolute form (the proxy sees the requests). A user and password in the URL go to the
   * proxy only (`Proxy-Authorization: Basic`) and are never shown in errors. The library
   * reads no environment variable; the CLI reads `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.
   * Not with `agents` (give your agents the proxy). In browsers: refused (the browser's own
   * proxy settings apply).
   * @default undefined (requests go straight to the server)
   * @example { proxy: 'http://user:secret@proxy.internal:3128' }
   */
  proxy?: string | undefined;
  /**
   * Your own `node:http` / `node:https` `Agent`s (Node), used instead of the client's
   * keep-alive agents: `http` for `http:` URLs, `https` for `https:` URLs (a missing one
   * keeps the client's). node:http takes an agent per request, per scheme, so this has the
   * shape `got` uses; any agent works (a SOCKS or PAC agent, one with your own TLS
   * settings). `ca`, `cert`, `key`, `verifyTlsCert: false` and `proxy` belong to the
   * client's agents: give them to your agent instead (combining them is a `TypeError`).
   * @default undefined (the client's agents: keep-alive, 8 sockets per origin)
   * @example { agents: { https: new https.Agent({ keepAlive: true, ca }) } }
   */
  agents?: ClientAgents | undefined;
  /**
   * Certificate authorities to trust for `https:` servers (and an `https:` proxy) instead of
   * Node's bundled ones (Node): PEM text or bytes, or several. For a private CA. Node only.
   * @default undefined (Node's bundled root certificates)
   * @example { ca: readFileSync('company-root-ca.pem') }
   */
  ca?: TlsMaterial | readonly TlsMaterial[] | undefined;
  /**
   * A client certificate (PEM) for servers that ask for one (mutual TLS), with its `key`.
   * Node only.
   * @default undefined (none sent)
   */
  cert?: TlsMaterial | undefined;
  /** The private key (PEM, unencrypted) of `cert`. Node only. @default undefined */
  key?: TlsMaterial | undefined;
  /**
   * Whether browsers send cookies (and HTTP authentication) to an endpoint on another
   * origin: `'include'` sets `withCredentials` on XHR and `credentials: 'include'` on
   * fetch; the server must answer `Access-Control-Allow-Credentials: true` and name the
   * page's origin. `'same-origin'`: only to the page's own origin. In Node there is no
   * cookie store: the option changes nothing there (send a `Cookie` header).
   * `beforeRequest` may change it per request.
   * @default 'same-origin'
   */
  credentials?: RequestCredentialsMode | undefined;
  /**
   * Send each `PATCH` as `POST` with `X-HTTP-Method-Override: PATCH`, for proxies and
   * firewalls that drop `PATCH` (tus 1.0 asks servers to honour the header). tus 1.0 only:
   * the IETF draft defines no such header, so its appends stay `PATCH`.
   * @default false
   */
  overridePatchMethod?: boolean | undefined;
  /**
   * Add an `X-Request-ID` header (a random UUID, new for each request, retries included)
   * so that a request can be found in the server's logs. `beforeRequest` sees it.
   * @default false
   */
  addRequestId?: boolean | undefined;
}

/** PEM text, or its bytes (a `Buffer` is a `Uint8Array`). */
export type TlsMaterial = string | Uint8Array;

/**
 * `agents`: a `node:http` `Agent` for `http:` URLs, a `node:https` `Agent` for `https:`
 * URLs. Typed by shape so that the browser types need no Node types.
 */
export interface ClientAgents {
  http?: NodeAgentLike | undefined;
  https?: NodeAgentLike | undefined;
}

/** The shape of a `node:http`/`node:https` `Agent` (checked: it has `addRequest`, as node:http needs). */
export interface NodeAgentLike {
  maxSockets: number;
  destroy(): void;
}

/** Every key of `TusClientOptions`; the compiler keeps it complete. */
export const CLIENT_OPTION_KEYS: { readonly [K in keyof TusClientOptions]-?: true } = {
  chunkSize: true,
  maxChunkSize: true,
  checksum: true,
  verifyTlsCert: true,
  metadataEncoding: true,
  headers: true,
  maxRetries: true,
  retryDelay: true,
  timeout: true,
  requestTimeout: true,
  maxBytesPerSecond: true,
  beforeRequest: true,
  afterResponse: true,
  onShouldRetry: true,
  storeUrl: true,
  urlStorage: true,
  fingerprinter: true,
  removeFingerprintOnSuccess: true,
  uploadDataDuringCreation: true,
  protocol: true,
  sendCredentialsTo: true,
  sensitiveHeaders: true,
  proxy: true,
  agents: true,
  ca: true,
  cert: true,
  key: true,
  credentials: true,
  overridePatchMethod: true,
  addRequestId: true,
};

/** Options after defaults and validation. */
export interface ResolvedClientOptions {
  chunkSize: number | 'auto';
  maxChunkSize: number;
  checksum: boolean | ChecksumAlgorithm;
  verifyTlsCert: boolean;
  metadataEncoding: MetadataEncoding;
  headers: Readonly<Record<string, string>>;
  maxRetries: number;
  retryDelay: number;
  timeout: number;
  requestTimeout: number;
  maxBytesPerSecond: number;
  beforeRequest: BeforeRequestHook | undefined;
  afterResponse: AfterResponseHook | undefined;
  onShouldRetry: ShouldRetryHook | undefined;
  storeUrl: boolean;
  /** The given `urlStorage`; the client falls back to its platform's default. */
  urlStorage: UrlStorage | undefined;
  fingerprinter: Fingerprinter;
  removeFingerprintOnSuccess: boolean;
  uploadDataDuringCreation: boolean;
  protocol: ProtocolName;
  /** `'endpoint-origin'`, `'any-origin'`, or the extra origins (normalised). */
  sendCredentialsTo: CredentialOrigins;
  /** Lower-case header names. */
  sensitiveHeaders: readonly string[];
  /** The proxy URL as given (checked: http(s) with a host). */
  proxy: string | undefined;
  agents: Readonly<ClientAgents> | undefined;
  ca: TlsMaterial | readonly TlsMaterial[] | undefined;
  cert: TlsMaterial | undefined;
  key: TlsMaterial | undefined;
  credentials: RequestCredentialsMode;
  overridePatchMethod: boolean;
  addRequestId: boolean;
}

/** The Node-only options (`proxy`, `agents`, `ca`, `cert`, `key`) after their checks. */
export const DEFAULTS = {
  chunkSize: 'auto',
  maxChunkSize: DEFAULT_MAX_CHUNK,
  checksum: true,
  verifyTlsCert: true,
  metadataEncoding: 'utf-8',
  maxRetries: 3,
  retryDelay: 1000,
  timeout: 30_000,
  requestTimeout: Number.POSITIVE_INFINITY,
  maxBytesPerSecond: Number.POSITIVE_INFINITY,
  storeUrl: false,
  removeFingerprintOnSuccess: true,
  uploadDataDuringCreation: false,
  protocol: 'tus-v1',
  sendCredentialsTo: 'endpoint-origin',
  credentials: 'same-origin',
  overridePatchMethod: false,
  addRequestId: false,
  /** Retries per chunk of an `Uploader` made with `createUploader` (as in the seed). */
  uploaderMaxRetries: 0,
} as const;

export type NetworkOptions = Pick<
  ResolvedClientOptions,
  'proxy' | 'agents' | 'ca' | 'cert' | 'key'
>;

/**
 * Validates `options` and fills in defaults. Wrong type: `TypeError`; wrong range: `RangeError`.
 * `checkNetwork` checks the Node-only options (network-options.node.ts, which the Node entry
 * passes); without it they are kept as given, for the browser transport to refuse.
 */
export function validateClientOptions(
  options: unknown,
  checkNetwork: (options: TusClientOptions) => NetworkOptions = keepNetworkOptions,
): ResolvedClientOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`TusClient options must be an object, got ${show(options)}`);
  }
  rejectUnknownKeys('TusClient', options, CLIENT_OPTION_KEYS);
  const o = options as TusClientOptions;
  return {
    chunkSize: checkChunkSize('chunkSize', o.chunkSize) ?? DEFAULTS.chunkSize,
    maxChunkSize: checkByteCount('maxChunkSize', o.maxChunkSize) ?? DEFAULTS.maxChunkSize,
    checksum: checkChecksum(o.checksum) ?? DEFAULTS.checksum,
    verifyTlsCert: checkBoolean('verifyTlsCert', o.verifyTlsCert) ?? DEFAULTS.verifyTlsCert,
    metadataEncoding: checkEncoding(o.metadataEncoding) ?? DEFAULTS.metadataEncoding,
    headers: checkHeaders(o.headers),
    maxRetries: checkCount('maxRetries', o.maxRetries) ?? DEFAULTS.maxRetries,
    retryDelay: checkDuration('retryDelay', o.retryDelay, true, false) ?? DEFAULTS.retryDelay,
    timeout: checkDuration('timeout', o.timeout, false, true) ?? DEFAULTS.timeout,
    requestTimeout:
      checkDuration('requestTimeout', o.requestTimeout, false, true) ?? DEFAULTS.requestTimeout,
    maxBytesPerSecond:
      checkRate('maxBytesPerSecond', o.maxBytesPerSecond) ?? DEFAULTS.maxBytesPerSecond,
    beforeRequest: checkFunction('beforeRequest', o.beforeRequest),
    afterResponse: checkFunction('afterResponse', o.afterResponse),
    onShouldRetry: checkFunction('onShouldRetry', o.onShouldRetry),
    storeUrl: checkBoolean('storeUrl', o.storeUrl) ?? DEFAULTS.storeUrl,
    urlStorage: checkUrlStorage(o.urlStorage),
    fingerprinter: checkFingerprinter(o.fingerprinter) ?? new Fingerprint(),
    removeFingerprintOnSuccess:
      checkBoolean('removeFingerprintOnSuccess', o.removeFingerprintOnSuccess) ??
      DEFAULTS.removeFingerprintOnSuccess,
    uploadDataDuringCreation:
      checkBoolean('uploadDataDuringCreation', o.uploadDataDuringCreation) ??
      DEFAULTS.uploadDataDuringCreation,
    protocol: checkProtocol(o.protocol) ?? DEFAULTS.protocol,
    sendCredentialsTo: checkCredentialOrigins(o.sendCredentialsTo) ?? DEFAULTS.sendCredentialsTo,
    sensitiveHeaders: checkHeaderNames('sensitiveHeaders', o.sensitiveHeaders),
    ...checkNetwork(o),
    credentials: checkCredentialsMode(o.credentials) ?? DEFAULTS.credentials,
    overridePatchMethod:
      checkBoolean('overridePatchMethod', o.overridePatchMethod) ?? DEFAULTS.overridePatchMethod,
    addRequestId: checkBoolean('addRequestId', o.addRequestId) ?? DEFAULTS.addRequestId,
  };
}

function keepNetworkOptions(o: TusClientOptions): NetworkOptions {
  return { proxy: o.proxy, agents: o.agents, ca: o.ca, cert: o.cert, key: o.key };
}

export {
  checkChecksum,
  checkChunkSize,
  checkCount,
  checkDuration,
  checkFunction,
  checkHeaders,
  rejectUnknownKeys,
} from './option-checks.js';

/** What the transport is built with, from the client's options. */
export function transportOptionsOf(o: ResolvedClientOptions): TransportOptions {
  return {
    verifyTlsCert: o.verifyTlsCert,
    maxBytesPerSecond: o.maxBytesPerSecond,
    ...(o.proxy === undefined ? {} : { proxy: o.proxy, proxyConnectTimeout: o.timeout }),
    ...(o.agents === undefined ? {} : { agents: o.agents }),
    ...(o.ca === undefined && o.cert === undefined
      ? {}
      : { tls: { ca: o.ca, cert: o.cert, key: o.key } }),
  };
}
