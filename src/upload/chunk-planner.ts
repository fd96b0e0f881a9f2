/**
 * Which chunk goes next, and what to prepare meanwhile: the sizing policy's answer
 * (sizing-policy.ts, every limit applied there), bent towards what the pipeline has ready (chunk-pipeline.ts) so that no digest is computed twice or waited for.
 */
import type { ChecksumProvider } from '../checksum/checksum-provider.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { ChecksumAlgorithm } from '../types.js';
import { ChunkPipeline, PIECE_BYTES } from './chunk-pipeline.js';
import { ChunkSizer, MIN_CHUNK, type ServerChunkLimits } from './chunk-sizing.js';
import type { AppendLimits } from './protocols/upload-protocol.js';

export interface PlannerSettings {
  source: UploadSource;
  checksum: ChecksumProvider;
  algorithm: ChecksumAlgorithm | undefined;
  /** Bytes per chunk, or `'auto'`. */
  chunkSize: number | 'auto';
  /** `maxChunkSize`. */
  maxChunkSize: number;
  /** The server (origin) and what the client's uploads learned of it. */
  server: { key: string; limits: ServerChunkLimits };
  /** Body sizes the server stated for this upload (the draft's `Upload-Limit`), as now known. */
  limits: () => AppendLimits | undefined;
  /** A pipeline already at work for this source and algorithm (creation-lookahead.ts). */
  pipeline?: ChunkPipeline | undefined;
}

export class ChunkPlanner {
  readonly pipeline: ChunkPipeline;
  readonly sizer: ChunkSizer;

  constructor(settings: PlannerSettings) {
    this.pipeline =
      settings.pipeline ??
      new ChunkPipeline(settings.source, settings.checksum, settings.algorithm);
    this.sizer = new ChunkSizer(settings.chunkSize, {
      max: settings.maxChunkSize,
      inputMax: this.pipeline.maxChunk,
      server: settings.server,
      appendLimits: settings.limits,
    });
    // A cut chunk is lost whole where the server checks each chunk's digest.
    this.sizer.observe({ kind: 'checksum', discardsOnDrop: settings.algorithm !== undefined });
  }

  /** The size of the chunk from `start`, `remaining` bytes before the target. */
  sizeAt(start: number, remaining: number): number {
    let want = this.sizer.next(remaining);
    // A chunk prepared ahead at a size close enough is sent as it is (no second hashing).
    const ahead = this.pipeline.aheadLength(start);
    if (ahead !== undefined && ahead <= want && ahead >= want * 0.75) want = ahead;
    // Hashed forward but not as far as wanted (a fast link: the digest would be the wait):
    // what is hashed goes now, the rest with the next chunk, unless the rest is hashed
    // sooner than the round trip one more chunk would cost.
    const hashed = this.pipeline.forwardHashed(start);
    if (hashed === undefined) return want;
    if (hashed < want && !this.#hashedWithinRoundTrip(start, want)) {
      return Math.max(hashed, Math.min(want, MIN_CHUNK));
    }
    // Whole pieces: the digest is a checkpoint of the hashing ahead, with nothing to read.
    return want < remaining && want > PIECE_BYTES ? want - (want % PIECE_BYTES) : want;
  }

  #hashedWithinRoundTrip(start: number, length: number): boolean {
    const wait = this.pipeline.forwardWaitMs(start, length);
    const rtt = this.sizer.roundTripMs;
    return wait !== undefined && rtt !== undefined && wait < rtt;
  }

  /**
   * Prepares the chunk from `end` while the one of `length` before it is sent: sized as the
   * sizer expects it, or, while that cannot be foreseen (no rate yet), hashed forward for
   * any size it may get.
   */
  prepareAfter(end: number, length: number, remaining: number): void {
    let next: number | undefined;
    let ahead: number;
    try {
      next = this.sizer.expectedNext(length, remaining);
      ahead = this.sizer.largest(remaining);
    } catch {
      return; // a server limit the next chunk cannot meet: said when it is taken, not here
    }
    if (next !== undefined) this.pipeline.prefetch(end, next);
    else this.pipeline.prefetchForward(end, end + ahead);
  }
}
