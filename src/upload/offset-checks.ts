/**
 * What a server's offset may be, checked before the uploader believes it. Pure: a wrong
 * answer is a `TusProtocolError` (or a `TusInputError` when the upload is not this input's).
 */
import { TusInputError, TusProtocolError } from '../errors/index.js';
import { displayUrl } from '../protocol/location.js';

/** After an append of `length` bytes from `start`, the answer's `offset` must be within them. */
export function checkAppendedOffset(answer: {
  url: string;
  start: number;
  length: number;
  offset: number;
  status: number;
  /** The input's size, when known. */
  size: number | undefined;
}): void {
  const { url, start, length, offset, size } = answer;
  const end = start + length;
  const problem =
    offset < start
      ? `went backwards from ${start}`
      : size !== undefined && offset > size
        ? `is past the length ${size}`
        : offset > end
          ? `is past the ${length} bytes sent from ${start}`
          : offset === start && length > 0
            ? `did not move: the server took none of the ${length} bytes`
            : undefined;
  if (problem === undefined) return;
  const shown = displayUrl(url);
  throw new TusProtocolError(`PATCH ${shown}: Upload-Offset ${offset} ${problem}`, {
    method: 'PATCH',
    url: shown,
    status: answer.status,
  });
}

/**
 * The server's view of an upload against the input: its length (when it has one) must be
 * the input's size (when known), and its offset within it.
 */
export function checkServerState(state: {
  url: string;
  status: number;
  offset: number;
  length: number | undefined;
  /** The input's size, when known. */
  size: number | undefined;
}): void {
  const { url, offset, length, size } = state;
  const shown = displayUrl(url);
  if (length !== undefined && size !== undefined && length !== size) {
    throw new TusInputError(`${shown} is an upload of ${length} bytes, but the input has ${size}`);
  }
  const total = size ?? length;
  if (total !== undefined && offset > total) {
    throw new TusProtocolError(
      `HEAD ${shown}: Upload-Offset ${offset} is past the length ${total}`,
      {
        method: 'HEAD',
        url: shown,
        status: state.status,
      },
    );
  }
}
