/**
 * The interim `104 (Upload Resumption Supported)` response. Node's http server has no public
 * call for an arbitrary 1xx (only 100, 102 and 103), so this writes the status block through
 * the same internal `_writeRaw` that `writeEarlyHints()` uses: ahead of the final response,
 * queued correctly when the response does not own its socket yet. Where that is missing (a
 * future Node), or the client speaks HTTP/1.0 (which has no 1xx), nothing is sent: the 104
 * is a SHOULD, and the final response carries the same `Location`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_UPLOAD_RESUMPTION_SUPPORTED } from '../../protocol/ietf/interop.js';

interface RawWriter {
  _writeRaw?: (data: string, encoding: BufferEncoding) => boolean;
}

/** Sends a 104 with `headers`; `false` when it could not be sent. */
export function sendUploadResumptionSupported(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Readonly<Record<string, string>>,
): boolean {
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1) return false;
  if (res.headersSent || res.writableEnded || res.destroyed) return false;
  const writeRaw = (res as unknown as RawWriter)._writeRaw;
  if (typeof writeRaw !== 'function') return false;
  let head = `HTTP/1.1 ${STATUS_UPLOAD_RESUMPTION_SUPPORTED} Upload Resumption Supported\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return false;
    head += `${name}: ${value}\r\n`;
  }
  writeRaw.call(res, `${head}\r\n`, 'latin1');
  return true;
}
