/**
 * The `resumable-upload` binary. Thin: parses argv, runs a command, sets the exit code.
 */
import { processIo } from './cli-io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
