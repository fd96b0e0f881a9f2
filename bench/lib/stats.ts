/** Small numeric helpers for the benchmark tables. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export const MiB = 1024 * 1024;

/** `812.4` / `12.3` / `0.45`: three significant-ish digits, `—` when unknown. */
export function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

/** `512 MiB`, `2 GiB`. */
export function fmtSize(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/** `1 MiB`, `8 MiB`, `Infinity`. */
export function fmtChunk(bytes: number | null): string {
  if (bytes === null) return 'Infinity';
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} B`;
}
