/**
 * Commander option definitions shared by the commands: each flag's value is parsed here, so
 * a bad value is one line naming the flag (exit 2) before anything is sent.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseChecksum, parseHttpUrl, parseMetadataPair } from './flag-values.js';
import { parseDuration, parseInteger, parseSize } from './units.js';

/** Wraps a parser so its RangeError becomes commander's "argument 'x' is invalid" error. */
export function checked<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

/** Raw `--header` values: checked later (see `headersFrom`) so commander never echoes one. */
function collectHeader(text: string, previous: readonly string[]): string[] {
  return [...previous, text];
}

function collectMetadata(text: string, previous: Record<string, string>): Record<string, string> {
  const [key, value] = checked(parseMetadataPair)(text);
  return { ...previous, [key]: value };
}

export const parseUrlArgument = checked(parseHttpUrl);

/** `--endpoint <url>` (required; also `$RESUMABLE_UPLOAD_ENDPOINT`). */
export function addEndpoint(command: Command): Command {
  return command.addOption(
    new Option('-e, --endpoint <url>', 'tus endpoint that creates uploads')
      .env('RESUMABLE_UPLOAD_ENDPOINT')
      .argParser(parseUrlArgument)
      .makeOptionMandatory(),
  );
}

/**
 * `--endpoint <url>` of the commands that work on an upload URL (optional): the endpoint the
 * upload was created at, whose origin alone receives the credential headers.
 */
export function addCredentialEndpoint(command: Command): Command {
  return command.addOption(
    new Option(
      '-e, --endpoint <url>',
      'the endpoint the upload was created at: credential headers (Authorization, Cookie) go only to its origin (default: the one stored with the upload)',
    ).argParser(parseUrlArgument),
  );
}

/** Flags of every command that sends requests. */
export function addRequestFlags(command: Command): Command {
  return command
    .addOption(
      new Option('-H, --header <header>', "extra request header 'Name: value' (repeatable)")
        .argParser(collectHeader)
        .default([], 'none'),
    )
    .addOption(
      new Option(
        '--timeout <duration>',
        'fail a request (and retry) when nothing moves for this long, e.g. 30s',
      ).argParser(checked(parseDuration)),
    )
    .addOption(
      new Option('--retries <n>', 'retries per chunk after a failure').argParser(
        checked((text) => parseInteger(text, 0, 1000)),
      ),
    )
    .addOption(
      new Option(
        '--retry-delay <duration>',
        'base delay between retries, doubled each time',
      ).argParser(checked(parseDuration)),
    )
    .addOption(new Option('-k, --insecure', 'do not verify TLS certificates'))
    .addOption(
      new Option(
        '--proxy <url>',
        "HTTP(S) proxy for every request ('' for none; default: $HTTPS_PROXY/$HTTP_PROXY unless $NO_PROXY names the host)",
      ),
    )
    .addOption(new Option('--json', 'print results as JSON (one object per line) on stdout'))
    .addOption(new Option('-v, --verbose', 'show the full cause chain of errors'));
}

/** `--store-file` (of every command that reads or writes the URL store). */
export function addStoreFile(command: Command): Command {
  return command.addOption(
    new Option('--store-file <path>', 'where upload URLs are remembered')
      .env('RESUMABLE_UPLOAD_STORE_FILE')
      .default(undefined, 'the library default, see docs/resume.md'),
  );
}

/** `10MiB`, `10MiB/s`, `500K`: bytes per second, at least 1. */
export function parseRate(text: string): number {
  const rate = parseSize(text.trim().replace(/\/s$/i, ''));
  if (rate < 1) throw new RangeError(`'${text}' must be at least 1 byte per second`);
  return rate;
}

/** Flags of `upload` and `resume`. */
export function addTransferFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '-c, --chunk-size <size>',
        "bytes per PATCH request, e.g. 8MiB, or 'auto' (the library sizes them)",
      )
        .argParser(
          checked((text): number | undefined => {
            if (text.trim().toLowerCase() === 'auto') return undefined;
            const size = parseSize(text);
            if (size < 1) throw new RangeError(`'${text}' must be at least 1 byte`);
            return size;
          }),
        )
        .default(undefined, 'auto'),
    )
    .addOption(
      new Option(
        '--limit-rate <rate>',
        'most bytes per second for all uploads of the command together, e.g. 10MiB',
      ).argParser(checked(parseRate)),
    )
    .addOption(
      new Option(
        '--checksum <algorithm>',
        'per-chunk checksum: sha1, sha256, sha512, md5, on (library default) or off',
      ).argParser(checked(parseChecksum)),
    )
    .addOption(
      new Option(
        '--progress-interval <duration>',
        'how often a progress line is printed when stderr is not a terminal',
      )
        .argParser(
          checked((text) => {
            const ms = parseDuration(text);
            if (ms < 100) throw new RangeError(`'${text}' is shorter than 100ms`);
            return ms;
          }),
        )
        .default(5000, '5s'),
    )
    .addOption(new Option('-q, --quiet', 'no progress output'))
    .addOption(new Option('--store', 'remember upload URLs to resume across runs (default)'))
    .addOption(new Option('--no-store', 'do not remember upload URLs (nor the batch journal)'));
}

/** Flags of `upload` only. */
export function addUploadFlags(command: Command): Command {
  return command
    .addOption(
      new Option('-m, --metadata <key=value>', 'upload metadata (repeatable)')
        .argParser(collectMetadata)
        .default({}, 'filename and filetype'),
    )
    .addOption(
      new Option('--concurrency <n>', 'files uploaded at the same time')
        .argParser(checked((text) => parseInteger(text, 1, 64)))
        .default(2),
    )
    .addOption(
      new Option('--parallel <n>', 'split each file into N parts uploaded at once').argParser(
        checked((text) => parseInteger(text, 1, 64)),
      ),
    )
    .addOption(
      new Option('-r, --recursive', 'upload the files inside directories, with their relativePath'),
    )
    .addOption(
      new Option(
        '--size <size>',
        'the size of standard input (-), when known: else deferred',
      ).argParser(checked(parseSize)),
    );
}
