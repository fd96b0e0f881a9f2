/**
 * The `resumable-upload-server` binary: `resumable-upload-server --port 1080 --dir ./uploads`
 * is `resumable-upload serve --port 1080 --dir ./uploads`.
 */
import { processIo } from './cli-io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(['serve', ...process.argv.slice(2)], processIo());
