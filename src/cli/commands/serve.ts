/**
 * `serve --port 1080 --dir ./uploads`: our tus server in the foreground, one log line per
 * request, Ctrl-C closes it cleanly.
 */
import type { CliIo } from '../cli-io.js';

export interface ServeFlags {
  port: number;
  host: string;
  dir: string;
  quiet?: boolean | undefined;
}

export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  void flags;
  io.stderr.write('error: serve: not available yet (the server is being written)\n');
  return 1;
}
