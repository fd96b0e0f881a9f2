/**
 * Writing a request body to a `ClientRequest`: in slices sized by `write-pacing.ts` (and
 * by the rate limit, when there is one), waiting for the socket to drain whenever the
 * pieces are produced on the way (a `StreamedBody`) or paced, so that only a few pieces are
 * ever in memory. Each slice the socket takes is reported (`onWritten`): upload progress,
 * and life for the request's watchdog.
 */
import type { ClientRequest } from 'node:http';
import { isStreamedBody, type RequestBody } from './http-transport.js';
import type { RateLimiter } from './rate-limiter.js';

export interface BodyWriting {
  /** Bytes per `write()` call. */
  sliceBytes: number;
  limiter?: RateLimiter | undefined;
  /** Called with each slice's size once the socket has taken it. */
  onWritten: (bytes: number) => void;
}

/**
 * Writes `body` and ends the request; rejects when producing a piece fails (the caller
 * then destroys the request). Resolves early when the request is destroyed meanwhile.
 */
export async function writeRequestBody(
  request: ClientRequest,
  body: RequestBody | undefined,
  writing: BodyWriting,
): Promise<void> {
  if (body === undefined || (body instanceof Uint8Array && body.byteLength === 0)) {
    request.end();
    return;
  }
  const { limiter, onWritten } = writing;
  const slice = Math.max(
    1,
    limiter === undefined ? writing.sliceBytes : Math.min(writing.sliceBytes, limiter.pieceBytes),
  );
  // Each slice waits until the socket took the one before: queued writes would be joined
  // into one writev, whose callback comes only once all of it is out (no progress, no life).
  for await (const piece of piecesOf(body)) {
    for (let at = 0; at < piece.byteLength; at += slice) {
      if (request.destroyed) return;
      const part = piece.subarray(at, Math.min(at + slice, piece.byteLength));
      if (limiter !== undefined) await delay(limiter.reserve(part.byteLength));
      if (request.destroyed) return;
      const flowing = request.write(part, (error) => {
        if (!error) onWritten(part.byteLength);
      });
      if (!flowing) await drained(request);
    }
  }
  if (!request.destroyed) request.end();
}

async function* piecesOf(body: RequestBody): AsyncIterable<Uint8Array> {
  if (body instanceof Uint8Array) {
    yield body;
  } else if (isStreamedBody(body)) {
    yield* body.pieces();
  } else {
    // A Blob in Node: read a slice at a time.
    const blob = body as Blob;
    const step = 1024 * 1024;
    for (let at = 0; at < blob.size; at += step) {
      yield new Uint8Array(await blob.slice(at, Math.min(at + step, blob.size)).arrayBuffer());
    }
  }
}

function drained(request: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off('drain', done);
      request.off('close', done);
      resolve();
    };
    request.on('drain', done);
    request.on('close', done);
  });
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
