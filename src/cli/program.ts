/**
 * The command tree (commander) and `runCli`: argv in, exit code out. Never calls
 * `process.exit()`; `main.ts` sets `process.exitCode`.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import type { CliIo } from './cli-io.js';
import {
  deleteCommand,
  infoCommand,
  type RequestFlags,
  serverInfoCommand,
  type UrlRequestFlags,
} from './commands/requests.js';
import { defineServeCommand } from './commands/serve.js';
import { forgetCommand, listCommand, type StoreFlags } from './commands/stored.js';
import {
  type ResumeFlags,
  resumeCommand,
  type UploadFlags,
  uploadCommand,
} from './commands/upload.js';
import {
  addCredentialEndpoint,
  addEndpoint,
  addRequestFlags,
  addStoreFile,
  addTransferFlags,
  addUploadFlags,
  parseUrlArgument,
} from './flags.js';
import { EXIT_OK, EXIT_USAGE, errorLines, exitCodeFor } from './report-error.js';
import { jsonText } from './terminal-text.js';
import { CliUsageError } from './units.js';

export const VERSION = '0.1.0';

function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('resumable-upload')
    .description('Upload files to a tus server, resumably. https://tus.io')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line: commander puts its "(Did you mean …?)" on a line of its own.
      outputError: (text, write) => write(text.replace(/\n(?=\(Did you mean)/, ' ')),
    })
    .showSuggestionAfterError(true);

  addStoreFile(
    addUploadFlags(
      addTransferFlags(
        addRequestFlags(
          addEndpoint(
            program
              .command('upload')
              .description(
                'upload files (a directory with --recursive, - for stdin); prints URL  FILE per file',
              )
              .argument('<file...>', 'files, directories (with --recursive) or - (standard input)'),
          ),
        ),
      ),
    ),
  ).action(async (files: string[], flags: UploadFlags) => {
    setCode(await uploadCommand(files, flags, io));
  });

  addStoreFile(
    addTransferFlags(
      addRequestFlags(
        addCredentialEndpoint(program.command('resume'))
          .description('continue an upload from the offset the server holds')
          .argument('<file>', 'the file being uploaded')
          .addOption(
            new Option(
              '-u, --url <url>',
              'the upload URL (default: the one stored for the file)',
            ).argParser(parseUrlArgument),
          ),
      ),
    ),
  ).action(async (file: string, flags: ResumeFlags) => {
    setCode(await resumeCommand(file, flags, io));
  });

  addStoreFile(
    addRequestFlags(
      addCredentialEndpoint(program.command('list'))
        .description('show the unfinished uploads in the URL store')
        .addOption(new Option('--check', "ask the server for each upload's offset and length")),
    ),
  ).action(async (flags: StoreFlags) => {
    setCode(await listCommand(flags, io));
  });

  addStoreFile(
    addRequestFlags(
      program
        .command('forget')
        .description("remove a file's (or a URL's) entry from the URL store")
        .argument('<file-or-url>', 'the file, or the upload URL'),
    ),
  ).action(async (target: string, flags: StoreFlags) => {
    setCode(await forgetCommand(target, flags, io));
  });

  addStoreFile(
    addRequestFlags(
      addCredentialEndpoint(program.command('info'))
        .description("show an upload's offset, length and metadata (HEAD)")
        .addArgument(new Argument('<url>', 'the upload URL').argParser(parseUrlArgument)),
    ),
  ).action(async (url: string, flags: UrlRequestFlags) => {
    setCode(await infoCommand(url, flags, io));
  });

  addStoreFile(
    addRequestFlags(
      addCredentialEndpoint(program.command('delete'))
        .description('delete an upload (termination extension)')
        .addArgument(new Argument('<url>', 'the upload URL').argParser(parseUrlArgument)),
    ),
  ).action(async (url: string, flags: UrlRequestFlags) => {
    setCode(await deleteCommand(url, flags, io));
  });

  addRequestFlags(
    addEndpoint(
      program.command('server-info').description("show the server's tus version and extensions"),
    ),
  ).action(async (flags: RequestFlags & { endpoint: string }) => {
    setCode(await serverInfoCommand(flags.endpoint, flags, io));
  });

  defineServeCommand(program.command('serve'), io, setCode);

  return program;
}

/** A usage error with `--json`: the same one-line message, as an object on stdout. */
function writeUsageJson(io: CliIo, message: string): void {
  const text = message.replace(/^error: /, '').replace(/\n(?=\(Did you mean)/, ' ');
  io.stdout.write(
    `${jsonText({ ok: false, error: { code: 'USAGE', message: text, method: null, status: null } })}\n`,
  );
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed its one-line message already; help and --version exit 0.
      if (error.exitCode === 0) return EXIT_OK;
      if (argv.includes('--json')) writeUsageJson(io, error.message);
      return EXIT_USAGE;
    }
    if (argv.includes('--json') && error instanceof CliUsageError) {
      writeUsageJson(io, error.message);
    }
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    for (const line of errorLines(error, verbose)) io.stderr.write(`${line}\n`);
    return exitCodeFor(error);
  }
}
