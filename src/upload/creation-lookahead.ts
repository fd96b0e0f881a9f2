/**
 * Hashing ahead while an upload is created. The creation (OPTIONS beside the POST) takes a
 * round trip or two with nothing else to do; the first chunk is small (`FIRST_CHUNK`) and
 * the second is sized from it, so on a fast link the second chunk's size is decided a
 * round trip after the creation, and only the part hashed by then can go in it
 * (chunk-planner.ts). So while the creation is under way the bytes after the first chunk
 * are hashed forward (forward-digest.ts) with the algorithm the upload will most likely use
 * (`likelyChecksum`). Once the algorithm is known the pipeline is taken as the upload's if
 * the guess was right, and dropped otherwise: a wrong guess costs some hashing, no request.
 */
import type { ChecksumProvider } from '../checksum/checksum-provider.js';
import type { UploadSource } from '../sources/upload-source.js';
import type { ChecksumAlgorithm } from '../types.js';
import { ChunkPipeline } from './chunk-pipeline.js';
import { FIRST_CHUNK } from './chunk-sizing.js';
import { likelyChecksum, type ServerFacts } from './server-extensions.js';

export interface LookaheadSettings {
  /** The server facts the algorithm is guessed from (`likelyChecksum`). */
  ctx: ServerFacts;
  source: UploadSource;
  /** The upload's `chunkSize`: only an adaptive one has a first chunk to hash beyond. */
  chunkSize: number | 'auto';
  /** Where the upload stops (its size, or `stopAt`). */
  target: number;
}

export class CreationLookahead {
  readonly #algorithm: ChecksumAlgorithm;
  readonly #pipeline: ChunkPipeline;
  readonly #end: number;
  #started = false;
  #claimed = false;

  /**
   * Starts hashing after the first chunk; `undefined` when there is nothing to do: no
   * checksum likely, a fixed chunk size, an input that cannot go back, or one chunk only.
   */
  static start(settings: LookaheadSettings): CreationLookahead | undefined {
    const { ctx, source, target } = settings;
    if (settings.chunkSize !== 'auto' || !source.seekable) return undefined;
    if (!(target > FIRST_CHUNK) || !Number.isFinite(target)) return undefined;
    const algorithm = likelyChecksum(ctx);
    if (algorithm === undefined) return undefined;
    const end = Math.min(target, FIRST_CHUNK + ctx.options.maxChunkSize);
    return new CreationLookahead(source, ctx.checksum, algorithm, end);
  }

  private constructor(
    source: UploadSource,
    checksum: ChecksumProvider,
    algorithm: ChecksumAlgorithm,
    end: number,
  ) {
    this.#pipeline = new ChunkPipeline(source, checksum, algorithm);
    this.#algorithm = algorithm;
    this.#end = end;
    // An algorithm may need loading first (WebAssembly in browsers): hashing starts after.
    const ready = checksum.prepare?.(algorithm);
    if (ready === undefined) this.#begin();
    else
      ready.then(
        () => !this.#claimed && this.#begin(),
        () => {},
      );
  }

  /**
   * The pipeline hashing ahead, if it was made for `algorithm` (the one chosen); else it
   * stops and `undefined` says to make another. Either way this lookahead is done.
   */
  claim(algorithm: ChecksumAlgorithm | undefined): ChunkPipeline | undefined {
    const fits = !this.#claimed && algorithm === this.#algorithm;
    this.#claimed = true;
    if (!fits) {
      this.#pipeline.discard();
      return undefined;
    }
    // Chosen means prepared: if hashing waited on that, it starts now (no chunk is taken yet).
    this.#begin();
    return this.#pipeline;
  }

  /** The creation failed: hashing ahead stops, unless the upload already took it over. */
  cancel(): void {
    if (!this.#claimed) this.claim(undefined);
  }

  #begin(): void {
    if (this.#started) return;
    this.#started = true;
    this.#pipeline.prefetchForward(FIRST_CHUNK, this.#end);
  }
}
