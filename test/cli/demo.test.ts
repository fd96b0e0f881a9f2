/**
 * Runs the README's first command's script (`examples/demo.ts`, what `npm run demo` runs
 * after building) and checks its verdict.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './cli-runner.js';
import { runCommandInPty } from './pty.js';

describe('npm run demo', () => {
  it('uploads, interrupts half-way, resumes and verifies the SHA-256', {
    timeout: 240_000,
  }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples', 'demo.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 230_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^demo: interrupted half-way with Ctrl-C \(exit 130\)/m);
    const verdict = stdout.match(/^demo: OK sha256 ([0-9a-f]{64}) matches$/m);
    assert.ok(verdict, stdout);
    const generated = stdout.match(/sha256 ([0-9a-f]{64})\)/);
    assert.equal(verdict[1], generated?.[1], 'the verdict hash is the generated file hash');
    assert.match(stderr, /to resume: resumable-upload resume \S+ --url http/);
    // The echoed commands can be run as printed: with the endpoint, the file's path.
    const endpoint = stdout.match(
      /small proxy at (http:\/\/127\.0\.0\.1:\d+\/files\/?) put in front of the server/,
    )?.[1];
    assert.ok(endpoint, stdout);
    assert.match(stdout, /the upload URLs below carry the proxy's port/);
    const upload = stdout.match(/^demo: \$ resumable-upload (upload .*)$/m)?.[1] ?? '';
    assert.ok(upload.includes(` --endpoint ${endpoint} `), upload);
    assert.match(upload, /^upload \/\S+demo-64MiB\.bin /);
    assert.match(stdout, new RegExp(`^demo: \\$ resumable-upload info ${endpoint}[0-9a-f]+$`, 'm'));
    assert.match(
      stdout,
      /^demo: \$ resumable-upload resume \/\S+ --url http:\/\/\S+ --chunk-size 1MiB --json$/m,
    );
  });

  it('on a 120-column terminal, every line with a URL is whole', { timeout: 240_000 }, async () => {
    const run = await runCommandInPty(
      [process.execPath, '--import', import.meta.resolve('tsx'), join(ROOT, 'examples', 'demo.ts')],
      { columns: 120, rows: 30, timeoutMs: 230_000 },
    );
    assert.equal(run.code, 0, run.lines.join('\n'));
    assert.ok(run.raw.includes('█'), 'the bar was drawn');
    const url = run.lines.find((line) => line.startsWith('url '))?.split(/\s+/)[1];
    assert.match(
      url ?? '',
      /^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]{32}$/,
      run.lines.join('\n'),
    );
    const withUrl = run.lines.filter(
      (line) => line.includes('/files/') && !line.startsWith('demo: '),
    );
    assert.ok(
      withUrl.some((line) => line.endsWith(`: upload URL ${url}`)),
      run.lines.join('\n'),
    );
    assert.ok(
      withUrl.some((line) => line.endsWith(` --url ${url}`)),
      'the resume hint is whole',
    );
    for (const line of withUrl) {
      const found = line.match(/http:\/\/\S+/)?.[0] ?? '';
      assert.ok(found === url || found.endsWith('/files/'), `a whole URL in: ${line}`);
    }
  });
});
