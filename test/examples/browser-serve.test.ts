/**
 * `examples/browser/serve.ts` when a port it is given is taken: one line naming the port
 * and what to do, exit code 1, no stack (issue 31, the first hour of a new user).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function serveExample(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/browser/serve.ts', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('examples/browser/serve.ts on a taken port', () => {
  let taken: Server;
  let port: number;

  before(async () => {
    taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    port = (taken.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((done) => taken.close(() => done()));
  });

  for (const [what, args] of [
    ['the page', (p: number) => [String(p), '0']],
    ['the tus server', (p: number) => ['0', String(p)]],
  ] as const) {
    it(`${what}'s port taken: one line, exit code 1, no stack`, async () => {
      const run = await serveExample(args(port));
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', new RegExp(`port ${port} \\(${what}\\) is in use`));
      assert.doesNotMatch(run.stderr, /\n\s+at |Error:/);
    });
  }
});
