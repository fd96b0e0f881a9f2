/**
 * The `resumable-upload-server` binary: `resumable-upload-server --port 1080 --dir ./uploads`
 * is `resumable-upload serve --port 1080 --dir ./uploads`, under its own name (its `--help`
 * and its errors say `resumable-upload-server`).
 */
import { Command, CommanderError } from 'commander';
import { type CliIo, processIo } from './cli-io.js';
import { defineServeCommand } from './commands/serve.js';
import { VERSION } from './program.js';
import { EXIT_OK, EXIT_USAGE, errorLines, exitCodeFor } from './report-error.js';

async function runServer(argv: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = defineServeCommand(new Command('resumable-upload-server'), io, (c) => {
    code = c;
  })
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError(true);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    for (const line of errorLines(error, false)) io.stderr.write(`${line}\n`);
    return exitCodeFor(error);
  }
}

process.exitCode = await runServer(process.argv.slice(2), processIo());
