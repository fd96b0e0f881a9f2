/**
 * Runs the README's first command's script (`examples/demo.ts`, what `npm run demo` runs
 * after building) and checks its verdict.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './cli-runner.js';

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
  });
});
