/**
 * `--json` the same on every command: one object per line on stdout, `ok: true` with the
 * result or `ok: false` with `error: { code, message, method, status }`; the error's lines
 * for people still go to stderr.
 */
import { errorJson } from '../batch/results.js';
import type { CliIo } from '../cli-io.js';
import { errorLines, exitCodeFor } from '../report-error.js';
import { jsonText } from '../terminal-text.js';

export interface OutputFlags {
  json?: boolean | undefined;
  verbose?: boolean | undefined;
}

/** Runs `body`; a failure prints its lines (and with `--json` its object) and gives its exit code. */
export async function withFailureOutput(
  io: CliIo,
  flags: OutputFlags,
  fields: Record<string, unknown>,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    for (const line of errorLines(error, flags.verbose === true)) io.stderr.write(`${line}\n`);
    if (flags.json === true) {
      io.stdout.write(`${jsonText({ ok: false, ...fields, error: errorJson(error) })}\n`);
    }
    return exitCodeFor(error);
  }
}

export function writeJson(io: CliIo, value: Record<string, unknown>): void {
  io.stdout.write(`${jsonText({ ok: true, ...value })}\n`);
}
