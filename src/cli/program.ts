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
} from './commands/requests.js';
import { defineServeCommand } from './commands/serve.js';
import {
  type ResumeFlags,
  resumeCommand,
  type UploadFlags,
  uploadCommand,
} from './commands/upload.js';
import {
  addEndpoint,
  addRequestFlags,
  addTransferFlags,
  addUploadFlags,
  parseUrlArgument,
} from './flags.js';
import { EXIT_OK, EXIT_USAGE, errorLines, exitCodeFor } from './report-error.js';

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

  addUploadFlags(
    addTransferFlags(
      addRequestFlags(
        addEndpoint(
          program
            .command('upload')
            .description('upload files; prints each upload URL')
            .argument('<file...>', 'files to upload'),
        ),
      ),
    ),
  ).action(async (files: string[], flags: UploadFlags) => {
    setCode(await uploadCommand(files, flags, io));
  });

  addTransferFlags(
    addRequestFlags(
      program
        .command('resume')
        .description('continue an upload from the offset the server holds')
        .argument('<file>', 'the file being uploaded')
        .addOption(
          new Option('-u, --url <url>', 'the upload URL')
            .argParser(parseUrlArgument)
            .makeOptionMandatory(),
        ),
    ),
  ).action(async (file: string, flags: ResumeFlags) => {
    setCode(await resumeCommand(file, flags, io));
  });

  addRequestFlags(
    program
      .command('info')
      .description("show an upload's offset, length and metadata (HEAD)")
      .addArgument(new Argument('<url>', 'the upload URL').argParser(parseUrlArgument)),
  ).action(async (url: string, flags: RequestFlags) => {
    setCode(await infoCommand(url, flags, io));
  });

  addRequestFlags(
    program
      .command('delete')
      .description('delete an upload (termination extension)')
      .addArgument(new Argument('<url>', 'the upload URL').argParser(parseUrlArgument)),
  ).action(async (url: string, flags: RequestFlags) => {
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
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    for (const line of errorLines(error, verbose)) io.stderr.write(`${line}\n`);
    return exitCodeFor(error);
  }
}
