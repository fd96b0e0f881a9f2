/**
 * How big the next chunk is, as one pure policy: its state is a plain record, `step(state,
 * observation)` is the only way it changes, and `nextSize(state, bounds)` is the only place
 * that answers "how big is the next chunk", applying every limit there is — the protocol's
 * (the draft's `Upload-Limit`), the input's remaining bytes and memory bound, the
 * algorithm's own cap, what a 413 taught, and the user's `chunkSize` / `maxChunkSize`.
 *
 * A fixed size (`chunkSize: <n>`) is the seed's rule: the size given, always. The adaptive
 * size (`'auto'`, the default) follows the link. The model: a chunk of `s` bytes takes
 * `rtt + s / rate`; it grows until the round trip is about `TARGET_OVERHEAD` of the chunk's
 * time (up to `maxChunkSize`). `rtt` is the shortest recent request without a body (the
 * creation POST, a HEAD, OPTIONS; connection set-up left out where the platform tells it),
 * or less when two chunks of different sizes show it (the line through their times); `rate`
 * comes from each chunk's time less `rtt`. A chunk takes at most `MAX_CHUNK_MS` to send
 * (what a failure costs to send again), unless the link is so far that the round trip's
 * share needs longer chunks; then, until the link drops, as long as that needs.
 *
 * Drops: with a checksum the server discards a chunk cut in flight whole, so a link that
 * drops its connections every few MiB or seconds would never take a chunk longer than
 * that. A drop teaches how far the link carries (the bytes confirmed since the drop before
 * plus part of what the failed chunk is known to have sent, and how long that took). The
 * next connection's first chunks fill that reach less `ROOM_MARGIN` (in bytes and in time),
 * so a link that cuts where it cut before loses little; past that, chunks stay within
 * `DROP_FRACTION` of the reach, so a failure costs little, and each success once the
 * connection carried past the reach earns `reach / REACH_STEPS` more (additive, not
 * doubling). Once earned back
 * to what the model wants, the reach is forgotten: a link that stopped dropping gets its
 * full-size chunks back. Once a link dropped, chunks also keep within `MAX_CHUNK_MS` of
 * sending. A 460 (a real corruption) is not a drop, nor is any failure with an answer.
 *
 * No clock, no I/O: the uploader measures and reports, this decides.
 */
import { TusUploadLimitError } from '../errors/index.js';
import type { AppendLimits } from './protocols/upload-protocol.js';

/** The first chunk of an adaptive upload (the seed's size). */
export const FIRST_CHUNK = 1024 * 1024;
/** Adaptive chunks are never smaller, unless the link is slow or drops sooner. */
export const MIN_CHUNK = 1024 * 1024;
/** The smallest adaptive chunk on a very slow link. */
export const SLOW_LINK_CHUNK = 256 * 1024;
/** `maxChunkSize` when not given (options.ts takes its default from here). */
export const DEFAULT_MAX_CHUNK = 64 * 1024 * 1024;
/** A chunk's round trip should be at most this share of its time. */
export const TARGET_OVERHEAD = 0.02;
/** Once a link dropped, a chunk should take at most this long to send (ms). */
export const MAX_CHUNK_MS = 4000;
/** At most this factor larger than the chunk before, per step. */
export const MAX_GROWTH = 64;
/** After a drop, a connection's first chunks fill the reach less this share of it. */
export const ROOM_MARGIN = 0.1;
/** Less room than this share of the reach left: the next chunk would likely be cut. */
export const MIN_ROOM = 0.2;
/** Past the room, chunks are this share of the learned reach (plus what they earned). */
export const DROP_FRACTION = 0.45;
/** Share of a failed chunk's sent bytes believed to have crossed (senders count ahead). */
export const PARTIAL_CREDIT = 0.5;
/** Each success past the reach earns `reach / REACH_STEPS` more bytes per chunk. */
export const REACH_STEPS = 8;
/** No chunk after drops is smaller than this, however short the reach. */
export const MIN_DROP_CHUNK = 64 * 1024;
/**
 * A server's `max-append-size` below this, with more than `MAX_SMALL_APPENDS` appends to
 * make, is refused before any append (11,000 one-byte requests help no one).
 */
export const MIN_SERVER_APPEND = 64 * 1024;
export const MAX_SMALL_APPENDS = 1000;

/** The policy's whole state: a plain record, changed only by `step`. */
export interface SizingState {
  /** A fixed `chunkSize`, or `undefined`: adaptive. */
  readonly fixed: number | undefined;
  /** The user's and the input's bound (`maxChunkSize`, a stream's buffer). */
  readonly max: number;
  /** Whether the server discards a chunk cut in flight (a checksum is in use). */
  readonly discardsOnDrop: boolean;
  /** The size the model wants next, before the limits of `nextSize`. */
  readonly size: number;
  /** Shortest recent round trip, ms. */
  readonly rtt: number | undefined;
  readonly roundTrips: readonly number[];
  /** Bytes per ms while sending, smoothed. */
  readonly rate: number | undefined;
  /** The largest size the server accepted since it last refused one. */
  readonly accepted: number;
  /** After a 413: the most bytes a chunk may have (never probed above again). */
  readonly limit: number;
  /** The chunk before (bytes and ms), for the round trip its line with the next shows. */
  readonly previous: { readonly bytes: number; readonly ms: number } | undefined;
  /** Drops seen in this upload. */
  readonly drops: number;
  /** How far the link carried before it last dropped (bytes); `undefined`: no cap. */
  readonly reach: number | undefined;
  /** How long that took (ms). */
  readonly reachMs: number | undefined;
  /** Successes since the last drop past the reach (each earns `reach / REACH_STEPS`). */
  readonly earned: number;
  /** Bytes and ms confirmed since the last drop. */
  readonly carried: number;
  readonly carriedMs: number;
}

export type Observation =
  /** A request without a body took `ms` (a round trip to the server). */
  | { readonly kind: 'round-trip'; readonly ms: number }
  /** A chunk of `bytes` was sent and answered in `ms` (from the request's start). */
  | { readonly kind: 'done'; readonly bytes: number; readonly ms: number }
  /**
   * The connection dropped while a chunk was on the wire, after `sent` of its bytes were
   * handed to the platform (more than crossed, often) and `ms` after it started.
   */
  | { readonly kind: 'dropped'; readonly sent: number; readonly ms: number }
  /** A chunk failed with an answer (5xx...): send less next time. */
  | { readonly kind: 'failed' }
  /** The server refused the chunk's bytes as corrupt (460): not the link's size. */
  | { readonly kind: 'refused' }
  /** The server refused a chunk of `bytes` with 413. */
  | { readonly kind: 'too-large'; readonly bytes: number }
  /** A checksum algorithm was chosen (or none): whether a cut chunk is lost whole. */
  | { readonly kind: 'checksum'; readonly discardsOnDrop: boolean };

/** Limits outside the policy's own state, as known when the size is asked. */
export interface SizingBounds {
  /** Bytes before the target (`Infinity`: unknown). */
  readonly remaining: number;
  /** What 413s taught this client of the server (shared by its uploaders). */
  readonly serverLimit?: number | undefined;
  /** The server's stated body sizes for this upload. */
  readonly append?: AppendLimits | undefined;
}

export interface SizingSettings {
  /** `chunkSize`: bytes, or `'auto'`. */
  chunkSize: number | 'auto';
  /** `maxChunkSize`. @default DEFAULT_MAX_CHUNK */
  max?: number | undefined;
  /** The most this input can be sent in without holding too much (a stream's buffer). */
  inputMax?: number | undefined;
  /** What 413s taught the client of this server so far. */
  serverLimit?: number | undefined;
}

export function initialState(settings: SizingSettings): SizingState {
  const fixed = settings.chunkSize === 'auto' ? undefined : settings.chunkSize;
  const max = Math.max(
    1,
    Math.min(settings.max ?? DEFAULT_MAX_CHUNK, settings.inputMax ?? Number.POSITIVE_INFINITY),
  );
  const state: SizingState = {
    fixed,
    max,
    discardsOnDrop: false,
    size: FIRST_CHUNK,
    rtt: undefined,
    roundTrips: [],
    rate: undefined,
    accepted: 0,
    limit: settings.serverLimit ?? Number.POSITIVE_INFINITY,
    previous: undefined,
    drops: 0,
    reach: undefined,
    reachMs: undefined,
    earned: 0,
    carried: 0,
    carriedMs: 0,
  };
  return { ...state, size: clamp(state, FIRST_CHUNK) };
}

/** The state after `observation`. A fixed size learns only round trips (nothing changes). */
export function step(state: SizingState, observation: Observation): SizingState {
  switch (observation.kind) {
    case 'round-trip':
      return roundTrip(state, observation.ms);
    case 'checksum':
      return { ...state, discardsOnDrop: observation.discardsOnDrop };
    case 'refused':
      return state;
    case 'done':
      return state.fixed === undefined
        ? chunkDone(state, observation.bytes, observation.ms)
        : state;
    case 'failed':
      return state.fixed === undefined ? { ...state, size: clamp(state, state.size / 2) } : state;
    case 'dropped':
      return state.fixed === undefined ? dropped(state, observation.sent, observation.ms) : state;
    case 'too-large':
      return state.fixed === undefined ? tooLarge(state, observation.bytes) : state;
  }
}

/** Whether a 413 for a chunk of `bytes` may be answered with a smaller chunk. */
export function canShrink(state: SizingState, bytes: number): boolean {
  return state.fixed === undefined && bytes > 1;
}

/** The one answer to "how big is the next chunk", within every limit. */
export function nextSize(state: SizingState, bounds: SizingBounds): number {
  const remaining = bounds.remaining;
  const want = state.fixed === undefined ? adaptiveSize(state, bounds) : state.fixed;
  return withinAppendLimits(state, Math.min(want, remaining), bounds);
}

/** The largest chunk the policy could ask for next (to hash ahead for). */
export function largestNext(state: SizingState, bounds: SizingBounds): number {
  if (state.fixed !== undefined) return nextSize(state, bounds);
  const largest = Math.min(ceiling(state, bounds), state.size * MAX_GROWTH * 1.25);
  return withinAppendLimits(state, Math.min(largest, bounds.remaining), bounds);
}

/**
 * What `nextSize` will likely be once the chunk of `bytes` now on the wire succeeds in the
 * time the model expects; `undefined` while that cannot be foreseen (no rate measured).
 */
export function expectedNext(
  state: SizingState,
  bytes: number,
  bounds: SizingBounds,
): number | undefined {
  if (state.fixed !== undefined) return nextSize(state, bounds);
  if (state.rate === undefined) return undefined;
  const ms = (state.rtt ?? 0) + bytes / state.rate;
  return nextSize(step(state, { kind: 'done', bytes, ms }), bounds);
}

/**
 * The cap the drops taught (bytes), or `Infinity` when the link has not dropped (lately).
 * On a connection since the last drop, the first chunks fill the room the link carried
 * before (less `ROOM_MARGIN`), so that a connection cut where the last one was cut loses
 * little; once less room is left than `MIN_ROOM` of the reach (the next chunk would likely
 * be cut), or the connection carried past the reach, chunks are `DROP_FRACTION` of the reach
 * plus what successes past the reach earned.
 */
export function dropCap(state: SizingState): number {
  if (state.reach === undefined || !state.discardsOnDrop) return Number.POSITIVE_INFINITY;
  let room = state.reach * (1 - ROOM_MARGIN) - state.carried;
  if (state.reachMs !== undefined && state.rate !== undefined) {
    const roomMs = state.reachMs * (1 - ROOM_MARGIN) - state.carriedMs;
    room = Math.min(room, roomMs * state.rate);
  }
  const cap = room >= state.reach * MIN_ROOM ? room : grownCap(state);
  return Math.max(MIN_DROP_CHUNK, Math.floor(cap));
}

/** After drops, past the room: a share of the reach plus what successes past it earned. */
function grownCap(state: SizingState): number {
  const reach = state.reach ?? Number.POSITIVE_INFINITY;
  const earned = (state.earned * reach) / REACH_STEPS;
  return Math.max(MIN_DROP_CHUNK, Math.floor(reach * DROP_FRACTION + earned));
}

function adaptiveSize(state: SizingState, bounds: SizingBounds): number {
  const size = Math.min(state.size, dropCap(state));
  const top = ceiling(state, bounds);
  // No short last chunk: what is left within a quarter more than the size goes in one.
  if (bounds.remaining <= size * 1.25 && bounds.remaining <= top) return bounds.remaining;
  return Math.min(size, top);
}

/** Sizes stay within what the server takes, the bounds, and what drops taught. */
function ceiling(state: SizingState, bounds: SizingBounds): number {
  const shared = bounds.serverLimit ?? Number.POSITIVE_INFINITY;
  return Math.min(state.max, shared, state.limit, dropCap(state));
}

/**
 * `size` within the server's stated body sizes. The server's minimum raises a chunk only
 * within the client's own bounds (`maxChunkSize` or a larger fixed `chunkSize`, and the
 * input's memory bound); when it cannot be met there, or the server's maximum would take
 * an absurd count of requests, a `TusUploadLimitError` says so before any append.
 */
function withinAppendLimits(state: SizingState, size: number, bounds: SizingBounds): number {
  const max = bounds.append?.maxAppendSize;
  const min = bounds.append?.minAppendSize;
  const remaining = bounds.remaining;
  let within = size;
  if (max !== undefined && max > 0 && max < within) {
    if (max < MIN_SERVER_APPEND && remaining / max > MAX_SMALL_APPENDS) {
      throw new TusUploadLimitError(
        `the server allows at most ${max} bytes per append (Upload-Limit max-append-size): ` +
          `${Math.ceil(remaining / max)} requests would be needed`,
        { maxAppendSize: max, minAppendSize: min, clientMax: state.max },
      );
    }
    within = max;
  }
  if (min === undefined || within >= min || within >= remaining) return within;
  // The last append may be smaller than the minimum; any other must reach it.
  const bound = state.fixed === undefined ? state.max : Math.max(state.fixed, state.max);
  const raised = Math.min(min, remaining, max ?? min);
  if (raised > bound) {
    throw new TusUploadLimitError(
      `the server wants at least ${min} bytes per append (Upload-Limit min-append-size), ` +
        `more than this client sends in one request (${bound} bytes: maxChunkSize or the input's buffer)`,
      { maxAppendSize: max, minAppendSize: min, clientMax: bound },
    );
  }
  return raised;
}

function roundTrip(state: SizingState, ms: number): SizingState {
  if (!(ms >= 0)) return state;
  const roundTrips = [...state.roundTrips, ms].slice(-5);
  return { ...state, roundTrips, rtt: Math.min(...roundTrips) };
}

function chunkDone(state: SizingState, bytes: number, ms: number): SizingState {
  if (bytes <= 0 || !(ms >= 0)) return state;
  let next: SizingState = {
    ...state,
    accepted: Math.max(state.accepted, bytes),
    carried: state.carried + bytes,
    carriedMs: state.carriedMs + ms,
    // Past the reach without a drop, each success earns a step back (additive).
    earned:
      state.reach === undefined ? 0 : state.earned + (state.carried + bytes > state.reach ? 1 : 0),
  };
  next = fitRoundTrip(next, bytes, ms);
  const rtt = next.rtt ?? 0;
  // At least a tenth of the time is the bytes' own: a noisy round trip cannot make it ~0.
  const sending = Math.max(ms - rtt, ms * 0.1, 0.01);
  const measured = bytes / sending;
  // Quick to believe a slower link, slow to believe a faster one.
  const rate =
    next.rate === undefined || measured < next.rate ? measured : 0.5 * next.rate + 0.5 * measured;
  next = { ...next, rate };
  const sendMs = bytes / rate;
  // A chunk may take `MAX_CHUNK_MS` to send (what a failure costs to send again), or on a far
  // link that has not dropped, as long as the round trip's share needs; once the link
  // dropped, `MAX_CHUNK_MS` again.
  const overheadMs = (rtt * (1 - TARGET_OVERHEAD)) / TARGET_OVERHEAD;
  const maxMs = state.drops > 0 ? MAX_CHUNK_MS : Math.max(MAX_CHUNK_MS, overheadMs);
  let target: number;
  if (sendMs > 2 * maxMs) {
    // Far too long a chunk: down to what fits the time, at once.
    target = (bytes * maxMs) / sendMs;
  } else {
    target = Math.min(rate * overheadMs, rate * maxMs);
    // Only grow from a chunk as large as the current size (a short last chunk says little).
    const current = Math.min(state.size, dropCap(state));
    if (target > state.size && bytes < current) target = state.size;
    target = Math.min(target, state.size * MAX_GROWTH);
    // Never shrink on a success unless the chunk took too long.
    if (sendMs <= maxMs) target = Math.max(target, Math.min(state.size, bytes));
  }
  next = { ...next, size: clamp(next, target) };
  // Earned back to what the model wants: the link stopped dropping, the cap goes.
  if (next.reach !== undefined && grownCap(next) >= next.size) {
    next = { ...next, reach: undefined, reachMs: undefined, earned: 0 };
  }
  return next;
}

/**
 * Two chunks of clearly different sizes: the time at size 0 of the line through them is
 * the round trip as the chunks see it. A shorter one than measured wins (the creation may
 * have paid a connection's set-up the platform could not tell apart).
 */
function fitRoundTrip(state: SizingState, bytes: number, ms: number): SizingState {
  const before = state.previous;
  const next = { ...state, previous: { bytes, ms } };
  if (before === undefined || bytes < before.bytes * 2 || !(ms > before.ms)) return next;
  const perByte = (ms - before.ms) / (bytes - before.bytes);
  const fitted = before.ms - before.bytes * perByte;
  return fitted > 0 && (next.rtt === undefined || fitted < next.rtt)
    ? { ...next, rtt: fitted }
    : next;
}

function dropped(state: SizingState, sent: number, ms: number): SizingState {
  const halved = { ...state, drops: state.drops + 1, size: clamp(state, state.size / 2) };
  // Without a checksum the server keeps what arrived: a drop costs little, as before.
  if (!state.discardsOnDrop) return halved;
  const partial = Math.max(0, sent) * PARTIAL_CREDIT;
  const reach = Math.max(MIN_DROP_CHUNK, state.carried + partial);
  const reachMs = state.carriedMs + Math.max(0, ms);
  return {
    ...halved,
    reach,
    reachMs: reachMs > 0 ? reachMs : undefined,
    earned: 0,
    carried: 0,
    carriedMs: 0,
    // The model's own size stays where it was: the drop cap rules until earned back.
    size: state.size,
  };
}

function tooLarge(state: SizingState, bytes: number): SizingState {
  // A refusal at or below a size taken before: that size says nothing any more.
  const accepted = state.accepted >= bytes ? 0 : state.accepted;
  // Half the refused size, or the largest size taken when that is more: a limit the
  // sizes never go above again, so the server refuses a few times at most (halving).
  const refused = Math.max(accepted, Math.floor(bytes / 2));
  const next = { ...state, accepted, limit: Math.min(state.limit, refused) };
  return { ...next, size: clamp(next, refused) };
}

/** `size` within the policy's own bounds and above its floors (not the drops' cap). */
function clamp(state: SizingState, size: number): number {
  const top = Math.min(state.max, state.limit);
  const slow = state.rate !== undefined && MIN_CHUNK / state.rate > MAX_CHUNK_MS;
  // A server that refused a size sets the bounds: no floor of ours keeps sizes up.
  const refusedAny = state.limit < Number.POSITIVE_INFINITY;
  const floor = refusedAny ? 1 : slow ? SLOW_LINK_CHUNK : MIN_CHUNK;
  return Math.max(1, Math.floor(Math.min(top, Math.max(floor, size))));
}
