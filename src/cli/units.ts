/**
 * Sizes and durations as people type them on a command line (`8MiB`, `1GB`, `30s`, `2m`),
 * and the reverse for progress lines. Pure functions: no I/O.
 */

/** A flag value that cannot be understood; `flag` names the flag (`--chunk-size`). */
export class CliUsageError extends Error {
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(flag === undefined ? message : `${flag}: ${message}`);
    this.flag = flag;
    Object.defineProperty(this, 'name', { value: 'CliUsageError', enumerable: false });
  }
}

/**
 * Nothing in the URL store for a file or URL (the store itself may well exist): code
 * `NOT_STORED`, not `ENOENT`, which would say the store file is missing.
 */
export class NotStoredError extends Error {
  readonly code = 'NOT_STORED';
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: 'NotStoredError', enumerable: false });
  }
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

const SIZE_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i;

/**
 * Parses a byte size: a plain number of bytes, or a number with a unit. `KB`/`MB`/`GB`/`TB`
 * are powers of 1000, `KiB`/`MiB`/`GiB`/`TiB` and the one-letter `K`/`M`/`G`/`T` powers of
 * 1024 (as rclone and curl read them). The result must be a whole number of bytes.
 * @throws RangeError with a message for people (the caller names the flag).
 */
export function parseSize(text: string): number {
  const match = SIZE_PATTERN.exec(text.trim());
  const unit = match?.[2]?.toLowerCase();
  const factor = unit === undefined ? undefined : SIZE_UNITS[unit];
  if (match === null || factor === undefined) {
    throw new RangeError(
      `'${text}' is not a size (examples: 1048576, 512KiB, 8MiB, 1GB; units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`,
    );
  }
  const value = Number(match[1]) * factor;
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`'${text}' is not a whole number of bytes`);
  }
  return value;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|sec|min|s|m|h)/giy;

/**
 * Parses a duration into milliseconds: `500ms`, `30s`, `2m`, `1h`, combined (`1m30s`), or a
 * plain number of seconds (`30`, as curl's `--max-time`).
 * @throws RangeError with a message for people (the caller names the flag).
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const bad = () =>
    new RangeError(`'${text}' is not a duration (examples: 30s, 2m, 1m30s, 500ms, 1h)`);
  if (/^(\d+(?:\.\d+)?|\.\d+)$/.test(trimmed)) {
    return checkedMs(Number(trimmed) * 1000, text);
  }
  if (trimmed === '') throw bad();
  let total = 0;
  DURATION_PART.lastIndex = 0;
  let end = 0;
  for (let match = DURATION_PART.exec(trimmed); match !== null; ) {
    const factor = DURATION_UNITS[(match[2] ?? '').toLowerCase()];
    if (factor === undefined) throw bad();
    total += Number(match[1]) * factor;
    end = DURATION_PART.lastIndex;
    match = DURATION_PART.exec(trimmed);
  }
  if (end !== trimmed.length) throw bad();
  return checkedMs(total, text);
}

function checkedMs(ms: number, text: string): number {
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded)) throw new RangeError(`'${text}' is too long`);
  return rounded;
}

/**
 * Parses a whole number within `[min, max]`.
 * @throws RangeError with a message for people.
 */
export function parseInteger(text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    throw new RangeError(`'${text}' is not a whole number`);
  }
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `${min} to ${max}`;
    throw new RangeError(`'${text}' is out of range (${range})`);
  }
  return value;
}

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `1536` → `1.5 KiB`; `undefined` → `?`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '?';
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BINARY.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BINARY[unit]}`;
}

/** `65000` → `1m05s`; `undefined` → `?`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Bytes per second → `5.2 MiB/s`. */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}
