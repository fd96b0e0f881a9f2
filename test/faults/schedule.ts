/**
 * Seeded fault schedules: the same seed gives the same faults for the same request sequence,
 * so a failure of the soak is replayed with `SOAK_SEED=<seed>`.
 */
import type { Answer, Fault, RequestHead } from '../helpers/fault-proxy.js';

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [min, max], log-uniform (small values as likely per octave as big ones). */
export function logUniform(random: () => number, min: number, max: number): number {
  return Math.floor(Math.exp(Math.log(min) + random() * (Math.log(max + 1) - Math.log(min))));
}

/** `count` pseudo-random bytes from `seed` (xorshift32, 4 bytes a step). */
export function seededBytes(count: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(count / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, count);
}

/** A lie below the truth: an offset between where the chunk began and what the server holds. */
export function lowerOffset(answer: Answer, req: RequestHead): Answer {
  const real = Number(answer.headers['upload-offset']);
  const start = Number(req.headers['upload-offset']);
  if (answer.status >= 300 || !(real > start + 1)) return answer;
  const lie = start + 1 + Math.floor((real - start - 1) / 2);
  return { ...answer, headers: { ...answer.headers, 'upload-offset': String(lie) } };
}

export interface ScheduleOptions {
  /** Share of requests that get a fault. */
  rate: number;
  /** How long stalls hold a connection (the client's `timeout` must be shorter). */
  stallMs: number;
}

/**
 * A `decide` for the fault proxy: each request is faulted with probability `rate`, with a
 * kind drawn from every fault the proxy knows (kinds that only make sense for an upload's
 * PATCH are kept to PATCH).
 */
export function seededSchedule(
  seed: number,
  { rate, stallMs }: ScheduleOptions,
): (req: RequestHead) => Fault | undefined {
  const random = seededRandom(seed);
  const statuses = [500, 502, 503, 423, 429];
  return (req) => {
    const roll = random();
    const pick = random();
    const at = random();
    if (roll >= rate) return undefined;
    const body = Number(req.headers['content-length'] ?? '0');
    const patch = req.method === 'PATCH';
    const menu: Array<() => Fault> = [
      () => ({ kind: 'reset', afterBytes: Math.floor(at * body) }),
      () => ({ kind: 'stall', afterBytes: Math.floor(at * body), ms: stallMs }),
      () => ({
        kind: 'status',
        status: statuses[Math.floor(at * statuses.length)] ?? 500,
        headers: { 'Retry-After': '0' },
      }),
      () => ({ kind: 'drop-answer' }),
      () => ({ kind: 'stall-answer', ms: stallMs }),
      () => ({ kind: 'garbage', bytes: 1 + Math.floor(at * 500) }),
      () => ({ kind: 'truncated-head' }),
      () => ({ kind: 'huge-header', size: 20_000 + Math.floor(at * 50_000) }),
      () => ({ kind: 'slow-answer', bytesPerTick: 16 + Math.floor(at * 64), everyMs: 1 }),
      () => ({ kind: 'endless-body', pieceBytes: 16_384, everyMs: 1 }),
    ];
    if (patch) {
      menu.push(
        () => ({ kind: 'status', status: 409 }),
        () => ({ kind: 'status', status: 460 }),
        () => ({ kind: 'early-status', status: 503 }),
        () => ({ kind: 'edit', edit: lowerOffset }),
      );
    }
    return menu[Math.floor(pick * menu.length)]?.();
  };
}
