import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseProgressMode,
  createProgressReporter,
  plainLine,
  type TextSink,
} from '../../../src/cli/progress.js';
import type { UploadStats } from '../../../src/index.node.js';

function stats(partial: Partial<UploadStats>): UploadStats {
  return {
    bytesUploaded: 0,
    bytesSent: partial.bytesUploaded ?? 0,
    chunkSize: 1024 * 1024,
    retry: undefined,
    totalBytes: 64 * 1024 * 1024,
    startOffset: 0,
    chunksCompleted: 0,
    retries: 0,
    bytesResent: 0,
    elapsedMs: 0,
    bytesPerSecond: 0,
    etaMs: undefined,
    checksumAlgorithm: undefined,
    uploadUrl: undefined,
    ...partial,
  };
}

function sink(isTTY: boolean): TextSink & { text: () => string } {
  let text = '';
  return { write: (t: string) => (text += t), isTTY, columns: 120, text: () => text };
}

describe('cli progress', () => {
  it('picks a bar on a terminal, plain lines elsewhere, nothing when quiet', () => {
    assert.equal(chooseProgressMode(sink(true), false), 'bar');
    assert.equal(chooseProgressMode(sink(false), false), 'plain');
    assert.equal(chooseProgressMode(sink(true), true), 'none');
  });

  it('a plain line shows bytes, percent, speed, ETA and retries', () => {
    const line = plainLine(
      'big.bin',
      stats({
        bytesUploaded: 16 * 1024 * 1024,
        bytesPerSecond: 5 * 1024 * 1024,
        etaMs: 9600,
        retries: 2,
      }),
    );
    assert.equal(line, 'big.bin  16.0 MiB / 64.0 MiB  25%  5.0 MiB/s  ETA 10s  retries 2');
  });

  it('plain mode prints the upload URL once, and a line when the file ends', () => {
    const out = sink(false);
    const reporter = createProgressReporter('plain', out, { intervalMs: 60_000 });
    const file = reporter.start('a.bin', 100);
    file.update(stats({ bytesUploaded: 50, totalBytes: 100, uploadUrl: 'http://h/files/1' }));
    file.update(stats({ bytesUploaded: 100, totalBytes: 100, uploadUrl: 'http://h/files/1' }));
    file.finish({ url: 'http://h/files/1' });
    reporter.stop();
    const lines = out.text().trim().split('\n');
    assert.equal(lines[0], 'a.bin: uploading 100 B');
    assert.equal(lines.filter((l) => l.includes('upload URL http://h/files/1')).length, 1);
    assert.match(lines.at(-1) ?? '', /^a\.bin: done 100 B in 0s$/);
  });

  it('bar mode draws a bar with the fields on a terminal', () => {
    const out = sink(true);
    const reporter = createProgressReporter('bar', out);
    const file = reporter.start('big.bin', 64 * 1024 * 1024);
    file.update(
      stats({ bytesUploaded: 32 * 1024 * 1024, bytesPerSecond: 8 * 1024 * 1024, etaMs: 4000 }),
    );
    file.finish({ url: 'http://h/files/2' });
    reporter.stop();
    const text = out.text();
    assert.match(text, /big\.bin/);
    assert.match(text, /64\.0 MiB/);
    assert.match(text, /retries 0/);
    assert.match(text, /100%/);
  });

  it('none mode writes only log lines, and nothing when silent', () => {
    const out = sink(false);
    const reporter = createProgressReporter('none', out);
    const file = reporter.start('x', 10);
    file.update(stats({ bytesUploaded: 10, totalBytes: 10 }));
    file.finish({ url: 'u' });
    reporter.log('error: something');
    assert.equal(out.text(), 'error: something\n');
    const quiet = sink(false);
    createProgressReporter('none', quiet, { silent: true }).log('x');
    assert.equal(quiet.text(), '');
  });
});
