/**
 * What a failed node:http(s) request becomes: a `TusProxyError` when the proxy refused the
 * tunnel, a `TusTlsError` when a certificate was refused (either way: the server's by us,
 * ours by the server), else a `TusNetworkError` (refused, reset, DNS...), retried.
 */
import {
  TusError,
  type TusErrorDetails,
  TusNetworkError,
  TusProxyError,
  TusTlsError,
} from '../errors/index.js';
import { messageWithCode } from './http-transport.js';
import { ProxyRefusal } from './proxy-tunnel.node.js';

/** OpenSSL's verification results for a server certificate we could not trust. */
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
]);
const OTHER_CERT_FAILURES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);
/** TLS alerts by which a server refuses the client's certificate (or its absence). */
const CLIENT_CERT_REFUSED =
  /^ERR_SSL_(?:TLSV13_ALERT_CERTIFICATE_REQUIRED|SSLV3_ALERT_BAD_CERTIFICATE|SSLV3_ALERT_CERTIFICATE_UNKNOWN|TLSV1_ALERT_UNKNOWN_CA|SSLV3_ALERT_HANDSHAKE_FAILURE|SSLV3_ALERT_CERTIFICATE_EXPIRED|TLSV1_ALERT_ACCESS_DENIED)$/;

/** The typed error for a request that failed with `cause`; `what` leads the reason. */
export function requestFailure(cause: unknown, details: TusErrorDetails, what = ''): TusError {
  if (cause instanceof TusError) return cause;
  const lead = `${details.method} ${details.url}: ${what}`;
  if (cause instanceof ProxyRefusal) {
    return new TusProxyError(`${lead}${cause.message}`, {
      ...details,
      status: cause.status,
      cause,
    });
  }
  const code = codeOf(cause);
  const hint = tlsHint(code);
  if (hint !== undefined) {
    return new TusTlsError(`${lead}${messageWithCode(cause)} (${hint})`, { ...details, cause });
  }
  return new TusNetworkError(`${lead}${messageWithCode(cause)}`, { ...details, cause });
}

/** What to do about a TLS failure with this code; `undefined` when it is not one. */
function tlsHint(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (UNTRUSTED.has(code)) {
    return "the server's certificate is not signed by a trusted authority: give its CA certificate as `ca`";
  }
  if (OTHER_CERT_FAILURES.has(code)) return "the server's certificate is not valid for it";
  if (CLIENT_CERT_REFUSED.test(code)) {
    return 'the server refused the TLS handshake: it may want a client certificate it accepts (`cert` and `key`)';
  }
  if (code.startsWith('ERR_SSL_')) return 'the TLS handshake failed';
  return undefined;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
